"""What a message means: a question, a report, a request, or small talk -> a Reading.

``understand(text, today=…, names=…)`` is a pure function over the words alone; which task a
nickname means (大篷车 -> 第15项) is decided against the ledger by ledger.understanding. The
rules, in order, first match wins:

1. a slash command; help; small talk that is only a greeting, thanks or 收到 (``other``);
2. a new task for the ledger, announced first (新增任务：…，普及部牵头，李麟负责，9月底前: ``add``,
   with the ``new_task``), whatever its words go on to say;
3. a reminder to put off (明天再提醒我: ``snooze``);
4. a change the clerk makes to one task named by number or words (第3项由李麟负责，学会部牵头，
   6月底前完成; 大篷车那项目标改为40场; 取消第3项，原因：…: ``edit``, with its ``edits``), read by
   nlu.edits only when every clause is a change: 推迟到/延期到 and asking (能不能…) stay requests,
   第3项是李麟负责吗 a question, 由普及部牵头召开了联席会议 a report;
5. a deadline to move (第20项推迟到明年3月: ``extend``, with the new date);
6. a question (谁负责第33项, 第3项什么时候到期, 完成率多少): about one task (``question``,
   with its ``aspect``), statistics (``stats``: overall, per department or per leader with
   ``by`` (各部室完成情况), or one department's or leader's with ``department`` or ``leader``
   (学会部进度怎么样, 陈汉平分管的完成了几项)), or a list;
7. a report that the task is done (第5项办完了: ``done``) — unless it gives an amount short of
   the whole (完成80%, 办了两期: ``progress``);
8. a report of progress (大篷车已经跑了25场, 第13项联席会议机制已建立: ``progress``);
9. a list (我的待办, 本周到期, 市科技馆逾期的, 学会部的任务, 大篷车那个任务) read by
   nlu.intents, with filters combined; a part of the question that cannot be read is kept in
   ``unread`` so the bot says so rather than answering half of it.

Tasks are named by number in every form people type (第12项, 第十二项, 12号, #12, No.12,
任务12, 32项, 第十二项和第十三项) or by words (``topic``). Quantities are nlu.quantity's;
dates are the deadline grammar's, rolled forward a year when an extension names a month that
has passed (3月 in May means next March).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from nlu.calendar import add_months
from nlu.deadline import parse_deadline
from nlu.edits import Edit, NewTask, read_new_task, scan_edits
from nlu.intents import Intent, read_intent, read_name, search_terms
from nlu.names import normalise_department
from nlu.numbers import chinese_to_number
from nlu.plans import read_plan_year
from nlu.quantity import Quantity, read_quantities, read_quantity

Kind = Literal[
    "todo",
    "due",
    "overdue",
    "search",
    "department",
    "leader",
    "task",
    "question",
    "progress",
    "done",
    "extend",
    "snooze",
    "stats",
    "help",
    "other",
    "edit",
    "add",
]
Aspect = Literal["leader", "department", "due", "days_left", "target", "progress", "content"]
Social = Literal["greeting", "thanks", "ack"]
By = Literal["department", "leader"]


@dataclass(frozen=True)
class Reading:
    """What one message says, before the ledger is consulted."""

    kind: Kind
    numbers: tuple[str, ...] = ()  # the tasks it names by number: ("12",), ("12", "13")
    topic: str = ""  # the words that name a task when no number does (大篷车)
    aspect: Aspect | None = None  # for a question about one task
    period: str | None = None  # for due: a nlu.calendar period, "month:6", "soon", "year_end"
    department: str | None = None  # a department the question names (as the ledger has it)
    leader: str | None = None  # a leader the question names
    by: By | None = None  # for stats: the figures per lead department or per leader
    terms: tuple[str, ...] = ()  # search words
    quantity: Quantity | None = None
    due: date | None = None  # the date asked for (an extension's new deadline)
    due_text: str = ""  # the words that gave it
    social: Social | None = None
    unread: str = ""  # what could not be read of a question (said back, never dropped)
    plan_year: int | None = None  # another year's plan named for the task (去年的第3项: 2024)
    edits: tuple[Edit, ...] = ()  # for edit: the changes, in the order said
    new_task: NewTask | None = None  # for add: the task to add
    text: str = field(default="", compare=False)  # the message, normalised


# --- normalising -----------------------------------------------------------------------------

# Typing slips seen in office chats, and the forms voice input produces.
_TYPOS = (
    ("代办", "待办"),
    ("带办", "待办"),
    ("愈期", "逾期"),
    ("逾其", "逾期"),
    ("预期未", "逾期未"),
    ("本洲", "本周"),
    ("这洲", "这周"),
    ("下洲", "下周"),
    ("到其", "到期"),
    ("进张", "进展"),
    ("大蓬车", "大篷车"),
    ("鱼期", "逾期"),
    ("于期", "逾期"),
    ("余期", "逾期"),
)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+", flags=re.UNICODE
)
_SPACES = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_FILLERS = re.compile(r"^(?:嗯+|啊+|呃+|那个|就是|然后|额+|哦+|emm+|[,，。.\s])+")
_OPENINGS = re.compile(
    r"^(?:(?:领导|主任|部长|主席|老师|书记|各位)?(?:你好|您好)|请问|请|麻烦你?|劳驾|帮忙|帮我"
    r"|给我|我想|我要|想|问一下|问下|问问|[,，:：!！\s])+"
)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no emoji, typing slips mended, one space at most."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _EMOJI.sub(" ", text)
    for wrong, right in _TYPOS:
        text = text.replace(wrong, right)
    text = _CJK_GAP.sub("", text)  # voice input and slips: 逾 期 -> 逾期
    return _SPACES.sub(" ", text).strip()


# --- task numbers ----------------------------------------------------------------------------

_NUM = r"(?:\d+(?:\s*[-~～]\s*\d+)?|[零〇一二两三四五六七八九十百]+)"
_NOT_A_TASK_AFTER = (
    r"(?!\s*(?:次|期|场|届|批|年|月|天|日|周|名|人|家|所|篇|位|支|个(?!任务)|号(?:楼|线)|%))"
)
_TASK_REFS = re.compile(
    "|".join(
        (
            rf"第\s*(?P<a>{_NUM})\s*(?:项|条|件|号)?{_NOT_A_TASK_AFTER}",
            r"(?:任务|事项|task|item)\s*(?:编号|号|第|#|no\.?)?\s*(?P<b>\d+(?:-\d+)?)(?!\s*[场期次家篇人个])",
            r"(?:#|no\.?\s*|№\s*)(?P<c>\d+)",
            r"(?<![\d月.:一二三四五六七八九十])(?P<d>\d+|[一二三四五六七八九十]+)\s*号(?!楼|线|文|院|[0-9])",
            r"(?<![\d第了共计完成])(?P<e>\d+(?:-\d+)?|[一二三四五六七八九十]{2,})\s*项(?!目(?!前)|工作(?:完成|都))",
        )
    )
)


@dataclass(frozen=True)
class _Ref:
    number: str
    start: int
    end: int


def _number(raw: str) -> str | None:
    parts = re.split(r"\s*[-~～]\s*", raw)
    numbers: list[int] = []
    for part in parts:
        value = int(part) if part.isdigit() else chinese_to_number(part)
        if value is None or value != int(value) or not 0 < value < 10_000:
            return None
        numbers.append(int(value))
    return "-".join(str(number) for number in numbers)


def task_refs(text: str) -> list[_Ref]:
    """The task numbers ``text`` (normalised) names, in order, with where they stand."""
    refs: list[_Ref] = []
    for match in _TASK_REFS.finditer(text):
        raw = next(value for value in match.groupdict().values() if value is not None)
        if match.group("d") is not None and re.search(r"月\s*$", text[: match.start()]):
            continue  # 6月12号 is a date
        number = _number(raw)
        if number is not None and number not in (ref.number for ref in refs):
            refs.append(_Ref(number, match.start(), match.end()))
    return refs


def _cut(text: str, spans: Collection[tuple[int, int]]) -> str:
    """``text`` without the spans, each replaced by a space."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(text[last:start])
            out.append(" ")
            last = end
    out.append(text[last:])
    return _SPACES.sub(" ", "".join(out)).strip()


# --- the cues ---------------------------------------------------------------------------------

_GREETING = re.compile(
    r"^(?:你好|您好|早上好|上午好|中午好|下午好|晚上好|早安|晚安|早|嗨|哈喽|hello|hi|hey|在吗|在不在"
    r"|大家好|领导好|主任好|你是谁|good morning)+$"
)
_THANKS = re.compile(
    r"^(?:谢谢|多谢|感谢|谢了|谢啦|辛苦了?|辛苦你了|麻烦了|thanks?|thank you|thx|ty|3q)+"
    r"(?:你|您|啦|了)?$"
)
_ACK = re.compile(
    r"^(?:收到|好的?|好滴|嗯|行|可以|ok|okay|明白|知道了|了解|没问题|是的|对|👌|👍"
    r"|fine|got it|roger)+$"
)
_SOCIAL_END = re.compile(r"[\s,，.。!！~～?？…]+")

_COMMANDS: dict[str, Kind] = {
    "report": "progress",
    "done": "done",
    "extend": "extend",
    "snooze": "snooze",
}

_SNOOZE = re.compile(
    r"(?:稍后|晚点|晚些|过会儿?|待会儿?|等会儿?|回头|明天|后天|下周[一二三四五六日天]?|过两天|过几天|改天|下午|晚上|\d+点)"
    r"(?:再)?(?:提醒|通知|叫|说)我?"
    r"|(?:再|稍后|晚点)提醒|提醒(?:我)?(?:晚点|推迟|延后|推后|往后推|推到|改到|挪到)"
    r"|别(?:再)?(?:提醒|催)|不要(?:再)?(?:提醒|催)|暂停提醒|提醒.{0,3}暂停|先不(?:要)?提醒"
    r"|^(?:稍后|晚点|等会儿?|待会儿?|回头再说)$|snooze|remind me (?:later|tomorrow)|^later$"
)
_EXTEND = re.compile(
    r"延期|延后|延长|延迟|延到|延至|推迟|推后|顺延|宽限|往后推|往后延|往后挪|挪到|推到|改到|调整到|调到"
    r"|晚\s*(?:几|一|两|\d+)\s*(?:天|周|个月)|(?:时间|期限|截止|时限|deadline).{0,6}(?:不够|来不及|改|调整|推)"
    r"|来不及|postpone|extend|extension|more time"
)
_QUESTION = re.compile(
    r"谁|哪个|哪些|哪位|哪家|哪里|哪天|哪一天|什么时候|何时|多久|几天|几号|多少|几项|几个|几家|几期|几场|几次|几站"
    r"|几位|几名|几人|如何|怎么样|怎样|咋样|为什么|为啥|怎么|啥时|是否|是不是|有没有|吗(?:$|[?,\s])|么$|没有?$|呢$|\?"
    r"|^(?:who|when|what|how|which|is|are|does)\b|\b(?:due date|deadline)\??$"
)
_STATS = re.compile(
    r"完成率|办结率|逾期率|完成情况|(?:完成|办结|办完)了?(?:几|多少)项|(?:几|多少)项(?:已)?完成|统计|总体(?:情况|进度|进展)?"
    r"|整体(?:情况|进度|进展)|各(?:部室|部门|单位)|总共(?:有)?(?:几|多少)|一共(?:有)?(?:几|多少)"
    r"|完成了?多少(?:任务|项|个)|已完成的?(?:有)?多少|(?:有)?多少(?:项|个)?(?:任务)?(?:已经?)?完成"
    r"|数据|概况|汇总|报个数|各几项|stats|statistics|how many"
)
# Statistics per group (各部室完成情况, 各位领导完成情况), and the words that say whose figures
# a question asks for (陈汉平分管的, 学会部牵头的): a name before them is a leader or department.
_BY_DEPARTMENT = re.compile(
    r"各(?:个)?(?:部室|部门|单位|处室|科室|县区|县市区|区县)|(?:按|分)(?:部室|部门|单位)"
    r"|部门(?:排名|对比|之间)|by department|per department"
)
_BY_LEADER = re.compile(
    r"各(?:位|个)?(?:领导|分管领导|责任领导|负责人)|领导们|(?:按|分)(?:领导|分管领导)"
    r"|领导(?:排名|对比|之间)|by leader|per leader"
)
_WHOSE = re.compile(r"分管的?|负责的|牵头的|名下的?")
_WHOSE_GLUE = re.compile(
    r"的任务|的工作|的事项|那边|这边|在办|已办|未办|没办|办结|未完成|没完成|进行中|未开始|没开始|的"
)
# Names shaped like an office's own departments (学会部, 办公室, 机关党委); not 站, 中心 or 馆,
# which as often end a task's nickname (院士工作站, 科普中心).
_UNIT = re.compile(r"(?:部|室|处|委|办|科协|局)(?:（[^（）]*）)?$")
_ME = re.compile(r"^(?:我|我们|咱|咱们|本部门|我们部门|我部|本人|自己)$")
_ASPECTS: tuple[tuple[Aspect, str], ...] = (
    (
        "leader",
        r"谁(?:在|来)?(?:负责|牵头|管|跟|抓)|负责人|责任领导|哪位领导|哪个领导|分管领导|领导是谁|谁分管|谁在?跟|谁来?办|分管的?吗|负责的?吗"
        r"|(?:交给|分给|交由).{0,8}吗|who",
    ),
    (
        "department",
        r"牵头(?:单位|部门|部室)|责任(?:单位|部门|部室)|哪个(?:部门|单位|部室)|哪些(?:部门|单位)|配合(?:单位|部门)|哪个部室"
        r"|(?:配合|牵头)了?吗",
    ),
    (
        "days_left",
        r"还有几天|还剩几天|剩几天|还有多少天|还剩多少天|多少天|几天到期|还有多久|多久到期"
        r"|how long|days left",
    ),
    ("due", r"什么时候|何时|啥时候?|哪天|哪一天|截止|期限|到期|逾期|时限|deadline|due|几号|when"),
    (
        "target",
        r"目标|多少场|多少个|多少家|多少期|多少次|多少篇|多少人|几家|几期|几场|几次|几站|几个|几位|几名|几人|要求",
    ),
    (
        "progress",
        r"进展|进度|情况|怎么样|咋样|如何|完成了?(?:吗|没|没有|多少)|办完了?(?:吗|没)|做得|到哪|哪一步"
        r"|有(?:消息|动静|结果)|没有?消息|为什么|为啥|status|progress",
    ),
    ("content", r"是什么|是啥|内容|讲的什么|干什么|做什么|讲什么|what"),
)
_ASPECT = re.compile("|".join(f"(?P<{name}>{words})" for name, words in _ASPECTS))
_ASPECT_NAMES: dict[str, Aspect] = {name: name for name, _words in _ASPECTS}


def _aspect(match: re.Match[str] | None) -> Aspect | None:
    """Which aspect of a task an _ASPECT match asks about."""
    return _ASPECT_NAMES.get(match.lastgroup or "") if match is not None else None


_DONE = re.compile(
    r"(?:办|做|弄|搞|干|跑|开|写|报|发|印|走|建|交)(?:完|好)了|办完|办结|做完|弄完|搞定|干完|完工|结束了?|完结|已完成|完成了"
    r"|全部完成|都完成|已经完成|圆满完成|顺利完成|完成(?:啦|咯|喽)|已落实|落实完|已办|已经办|完成任务|任务完成"
    r"|已(?:经)?结项|可以结了|结项了|销号|闭幕|开过了|办过了|已开|(?:项|任务)(?:已经?)?完成$|完成$|done|finished|completed|\bover\b"
)
_ALL_DONE = re.compile(
    r"全部|全(?:都)?\w?(?:完|好)了|完结|结项|可以结|(?:项|任务)(?:已经?)?完成|任务完成|圆满|完成$|\bover\b"
)
_NOT_DONE = re.compile(r"(?:没|未|还没|尚未|没有)(?:有)?(?:办完|完成|做完|办结|搞定)")
_PROGRESS = re.compile(
    r"已经|已(?!完成)|跑了|办了|开了|搞了|做了|开展了|举办了|召开了|组织了|发布了|推荐了|新建了|建了|建成|建好"
    r"|完成了?\s*\d|完成了?(?:一半|大半|过半|[一二三四五六七八九十两]+成|百分之)|进展|进度|推进|正在|目前|截至|截止目前"
    r"|已经?(?:启动|开始|建立|召开|开展|举办|印发|出台|提交)|汇报|报告|上报|启动|开始|落实|达到|达成|超过|累计"
    r"|在走|走流程|筹备|准备中|进行中|中$|在办|在做|在推|对接|发了|报了|搞了|有进展"
    r"|报上去|交上去|报送|提交了|上报了|等.{0,4}批|progress|report"
)
_HOW_TO = re.compile(
    r"^(?:怎么|如何|怎样)(?:用|使用|操作|汇报|报告|上报|报进度|申请|提交|填报|查)|能干啥|能做啥|能干什么|能做什么"
    r"|有哪些(?:指令|命令|功能)|(?:指令|命令)(?:有哪些|列表)|^commands?$"
)
_PERIOD_MONTH = re.compile(
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?(?:底|末)?(?:前|之前|以前)?"
)
_SOON = re.compile(
    r"快(?:要)?到期|即将到期|马上(?:就)?(?:要)?到期|临近(?:到期|期限)|快截止|近期|最近"
    r"|upcoming|due soon"
)
_DAYS = re.compile(
    r"(?:最近|近|未来|这|接下来)?(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?P<u>天|周|个月)(?:内|之内|以内)?"
)
_QUARTER = re.compile(r"(?:第)?(?P<q>[一二三四1-4])\s*季度")
_YEAR_END = re.compile(
    r"年底前|年底之前|年内|今年(?:内)?(?:要|需要)?(?:完成|办完|到期)|年底(?:要|需要)?(?:完成|到期)"
)
_DUE_OR_LATE = re.compile(r"逾期|超期|过期|到期|截止")
_MINE = re.compile(
    r"^(?:我|我们|咱|咱们|本部门|我们部门|我部)|要我|给我的|我(?:负责|手上|手里|名下|这边|手头|们部门)"
)
_OWN_WORK = re.compile(r"没完成|没办完|没办|没做|要办|要做|要我办|活|任务|待办|事")
_LATE = re.compile(r"逾期|超期|超时|过期|拖期|过了(?:截止|期限)|overdue|late")
_DUE_WORDS = re.compile(r"到期|截止|完成|办完|要办|要交|期限|due|deadline")
_SEARCH_WORDS = re.compile(
    r"^(?:search|find|搜索?|查找|关键词|关键字)\s*[:：]?\s*(?P<words>.+)$"
    r"|^(?:有哪些|哪些)(?:任务)?(?:涉及|包含|含有|关于|有关)(?P<about>.+?)(?:的)?(?:任务)?$"
)
_ENGLISH: tuple[tuple[re.Pattern[str], Intent], ...] = (
    (re.compile(r"^(?:my )?(?:tasks?|todos?|to-?do(?: list)?)$|^my tasks?\b"), Intent("todo")),
    (re.compile(r"^(?:show )?overdue(?: tasks)?$|^late tasks$"), Intent("overdue")),
    (re.compile(r"\bdue today\b"), Intent("due", period="today")),
    (re.compile(r"\bdue (?:this )?week\b"), Intent("due", period="this_week")),
    (re.compile(r"\bdue next week\b"), Intent("due", period="next_week")),
    (re.compile(r"\bdue (?:this )?month\b"), Intent("due", period="this_month")),
    (re.compile(r"\bdue next month\b"), Intent("due", period="next_month")),
)

# Words that only carry a report or a request, cut away to leave what names the task. Only
# whole words of two or more characters: a single character (家, 站) is often part of a name.
_GLUE = re.compile(
    r"已经|那个|那项|那条|那件|这个|这项|任务|事项|事情|目前|现在|截至|截止|一下|情况|麻烦"
    r"|我们|一共|总共|累计|能不能|可不可以|可以|申请|延期|延后|延长|推迟|推后|顺延|进展|进度"
    r"|完成|办完|做完|全部|已全部|目前|今年|本月|这个月|的话|就是|然后|还有|什么|多少"
    r"|给我看看|给我|发我|看看|看下|查下|查查|查一下|帮我|那边|这边|那块|这块|方面|相关|有关|关于"
    r"|一下子|我们的|我的|领导|请问|麻烦|喂|嗯|啊|呢|吧|哦|呀|了"
)


def _social(normal: str) -> Social | None:
    bare = _SOCIAL_END.sub("", normal)
    if not bare:
        return None
    if _THANKS.match(bare):
        return "thanks"
    if _GREETING.match(bare):
        return "greeting"
    if _ACK.match(bare):
        return "ack"
    return None


def _due_from(text: str, today: date) -> tuple[date | None, str]:
    """The new deadline an extension asks for, and the words that said it."""
    phrase = re.search(
        r"(?:推迟|延期|延后|延长|顺延|推后|宽限|推|改|调整?|延|挪|拖)(?:到|至)(?P<p>.+)", text
    )
    candidates = [phrase.group("p")] if phrase is not None else []
    candidates += [
        match.group()
        for match in re.finditer(
            r"(?:明年|今年|后年|\d{4}年)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:份)?"
            r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})?[日号]?(?:底|末|初|中旬|上旬|下旬|前)?"
            r"|下(?:个)?(?:周|星期|礼拜)[一二三四五六日天]?|下个?月(?:\d{1,2}[日号]|底|初|中旬)?"
            r"|月底|年底|(?:明年|今年)?\d{1,2}\.\d{1,2}"
            r"|\d+\s*(?:个)?工作日|(?:\d+|[一二两三四五六七八九十]+)\s*(?:天|周|个月)(?:后|以后)?",
            text,
        )
    ]
    for words in candidates:
        words = re.sub(
            r"(?:完成|办完|办结|吧|可以吗|行吗|好吗|再说|可以|行不行|[,，。!！?？])+.*$", "", words
        ).strip()
        if not words:
            continue
        relative = re.fullmatch(
            r"(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?P<u>天|周|个月)(?:后|以后)?", words
        )
        if relative is not None:
            continue  # 延后一个月 counts from the deadline: the ledger knows it, not the words
        words = _DOTTED.sub(_dotted, words)  # 7.15 -> 7月15日
        found = parse_deadline(words, today=today)
        if found.due is None:
            continue
        return found.due, words  # in chat a month that has passed is already next year's
    return None, ""


_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?![\d.])")


def _dotted(match: re.Match[str]) -> str:
    """7.15 as a date (7月15日) when it can be one; 2.5 (a number) stays as it is."""
    month, day = int(match.group(1)), int(match.group(2))
    return f"{month}月{day}日" if 1 <= month <= 12 and 1 <= day <= 31 else match.group()


def relative_extension(text: str) -> int | None:
    """Months (or days, as negative numbers of months are not used) an extension moves by."""
    match = re.search(
        r"(?:延后|推迟|延期|延长|顺延|推后|往后推|晚)\s*(?P<n>\d+|[一二两三四五六七八九十]+)\s*(?P<u>个月|周|天)",
        text,
    )
    if match is None:
        return None
    value = chinese_to_number(match.group("n"))
    if value is None:
        return None
    return int(value) * {"个月": 30, "周": 7, "天": 1}[match.group("u")]


def _period(text: str) -> str | None:
    """A window beyond nlu.intents' periods: 6月份到期, 快到期, 年底前要完成 (nlu.calendar)."""
    if not _DUE_WORDS.search(text) and not _SOON.search(text):
        return None
    days = _DAYS.search(text)
    if days is not None:
        value = chinese_to_number(days.group("n"))
        unit = days.group("u")
        if value is not None and 0 < value <= 366:
            return f"days:{int(value) * (7 if unit == '周' else 30 if unit == '个月' else 1)}"
    quarter = _QUARTER.search(text)
    if quarter is not None:
        value = chinese_to_number(quarter.group("q"))
        if value is not None and 1 <= value <= 4:
            return f"quarter:{int(value)}"
    if re.search(r"明天|明日|tomorrow", text):
        return "tomorrow"
    if re.search(r"(?<!下个)(?<!下)月底|月末|本月", text):
        return "this_month"
    if _SOON.search(text):
        return "soon"
    if _YEAR_END.search(text):
        return "year_end"
    month = _PERIOD_MONTH.search(text)
    if month is not None and _DUE_WORDS.search(text):
        value = chinese_to_number(month.group("m"))
        if value is not None and 1 <= value <= 12:
            return f"month:{int(value)}"
    return None


def _topic(text: str, spans: Collection[tuple[int, int]]) -> str:
    rest = _GLUE.sub(" ", _cut(text, spans))
    rest = re.sub(r"[\d.%]+|[,，。.!！?？:：;；、\"“”'‘’()（）\[\]【】~～\-—]+", " ", rest)
    return _SPACES.sub(" ", rest).strip()


def understand(
    text: str,
    *,
    today: date | None = None,
    leaders: Collection[str] = (),
    departments: Collection[str] = (),
) -> Reading:
    """What ``text`` means, and which year's plan it names a task of (nlu.plans)."""
    reading = _understand(text, today=today, leaders=leaders, departments=departments)
    return replace(reading, plan_year=read_plan_year(reading.text, today))


def _understand(
    text: str,
    *,
    today: date | None = None,
    leaders: Collection[str] = (),
    departments: Collection[str] = (),
) -> Reading:
    """What ``text`` means; ``leaders`` and ``departments`` are the names the ledger knows.

    Dates are resolved against ``today``; without it the Reading says what kind of message
    this is and leaves ``due`` empty (what a message is never depends on the date).
    """
    normal = normalise(text)
    core = _FILLERS.sub("", normal)
    core = _OPENINGS.sub("", core).strip()
    if not core:
        social = _social(normal)
        return Reading("other", social=social, text=normal)
    command = re.match(r"^/(\w+)(?:@\w+)?\s*(.*)$", core)
    if command is not None and command.group(1) == "stats":
        return _stats(command.group(2), leaders, departments, normal, named=True)
    if command is not None and command.group(1) in _COMMANDS:
        rest = command.group(2)
        refs = task_refs(rest) or [
            _Ref(number, 0, 0) for number in [_number(rest.strip())] if number is not None
        ]
        return Reading(_COMMANDS[command.group(1)], tuple(ref.number for ref in refs), text=normal)
    social = _social(core)
    if social is not None:
        return Reading("other", social=social, text=normal)
    if _HOW_TO.search(core):
        return Reading("help", text=normal)
    day = today if today is not None else _UNDATED
    new_task = read_new_task(text, today=day, leaders=leaders, departments=departments)
    if new_task is not None:
        new_task = new_task if today is not None else replace(new_task, due=None)
        return Reading("add", new_task=new_task, text=normal)

    refs = task_refs(core)
    numbers = tuple(ref.number for ref in refs)
    cut = _cut(core, [(ref.start, ref.end) for ref in refs])
    quantities = read_quantities(cut)
    quantity = read_quantity(cut)  # the report's amount: nlu.quantity weighs 累计, 已, 还差
    topic = _topic(cut, _spans(quantities))
    asks = _QUESTION.search(cut) is not None
    aspect_match = _ASPECT.search(cut)
    aspect = _aspect(aspect_match)

    if _SNOOZE.search(core):
        return Reading("snooze", numbers, text=normal)
    edited = _edit(text, today, leaders, departments, normal)
    if edited is not None:
        return edited
    if _EXTEND.search(cut):
        due, due_text = _due_from(cut, today) if today is not None else (None, "")
        if due_text:
            topic = _topic(cut.replace(due_text, " "), [])
        return Reading("extend", numbers, topic=topic, due=due, due_text=due_text, text=normal)
    if asks or (
        numbers and aspect is not None and not _PROGRESS.search(cut) and not _DONE.search(cut)
    ):
        return _question(core, cut, numbers, aspect_match, leaders, departments, normal)
    if _STATS.search(cut) and not numbers and quantity is None:
        return _stats(cut, leaders, departments, normal)
    if _LATE.search(cut) and not numbers and quantity is None and not _DONE.search(cut):
        return _list(core, leaders, departments)  # 已经逾期的任务给我看看: a list, not a report
    if _DONE.search(cut) and not _NOT_DONE.search(cut):
        whole = quantity is None or (quantity.unit == "%" and quantity.value >= 100)
        if whole or _ALL_DONE.search(cut):
            return Reading("done", numbers, topic=topic, text=normal)
        return Reading("progress", numbers, topic=topic, quantity=quantity, text=normal)
    if _PROGRESS.search(cut) or (quantity is not None and (numbers or topic)):
        return Reading("progress", numbers, topic=topic, quantity=quantity, text=normal)
    return _list(core, leaders, departments, numbers=numbers)


# Changes are read against a fixed day when no date is given, and their dates then dropped:
# what a message is never depends on the date.
_UNDATED = date(2001, 1, 1)


def _edit(
    text: str,
    today: date | None,
    leaders: Collection[str],
    departments: Collection[str],
    normal: str,
) -> Reading | None:
    """The clerk's change to one task (nlu.edits), when the message names the task."""
    scan = scan_edits(text, today=today or _UNDATED, leaders=leaders, departments=departments)
    if not scan.edits:
        return None
    topic = _topic(_OPENINGS.sub("", normalise(scan.topic)), []) if scan.topic else ""
    if not scan.numbers and not topic:
        return None  # 李麟负责的: a list, or a change with no task to make it to
    edits = scan.edits if today is not None else tuple(replace(e, due=None) for e in scan.edits)
    return Reading("edit", scan.numbers, topic=topic, edits=edits, text=normal)


def _question(
    core: str,
    cut: str,
    numbers: tuple[str, ...],
    aspect_match: re.Match[str] | None,
    leaders: Collection[str],
    departments: Collection[str],
    normal: str,
) -> Reading:
    """A question: about one task (by number or by words), statistics, or a list."""
    aspect = _aspect(aspect_match)
    if len(numbers) > 1:
        return Reading("task", numbers, text=normal)
    if numbers:
        if aspect is None:
            if _NOT_DONE.search(cut) or _DONE.search(cut):
                aspect = "progress"
            else:
                return Reading("task", numbers, text=normal)
        return Reading("question", numbers, aspect=aspect, text=normal)
    if _STATS.search(cut) or (aspect == "progress" and _whose(cut)):
        return _stats(cut, leaders, departments, normal)
    listed = _list(core, leaders, departments)
    if listed.kind in ("todo", "due", "overdue", "department", "leader", "help"):
        return listed
    if aspect_match is not None:
        words = _QUESTION.sub(" ", _topic(cut, [(aspect_match.start(), aspect_match.end())]))
        words = _SPACES.sub(" ", words).strip()
        if words and (listed.kind != "search" or aspect != "progress"):
            return Reading("question", topic=words, aspect=aspect, text=normal)
    return listed


def _whose_words(text: str) -> str:
    """What is left of a statistics question once its cues are cut: the name it asks about."""
    for cue in (_STATS, _BY_DEPARTMENT, _BY_LEADER, _WHOSE, _ASPECT, _QUESTION, _WHOSE_GLUE):
        text = cue.sub(" ", text)
    text = _GLUE.sub(" ", text)
    text = re.sub(r"[\d.%]+|[,，。.!！?？:：;；、\"“”'‘’\[\]【】~～\-—]+", " ", text)
    return _SPACES.sub(" ", text).strip()  # brackets stay: 普及部（中心）


def _whose(text: str) -> bool:
    """True when a question about progress names whose (学会部进度怎么样, 李麟分管的进展如何):
    words shaped like a department, or any words before 分管的, 牵头的 …. Decided without the
    ledger's names, so that which handler answers never depends on them."""
    words = _whose_words(text)
    if _WHOSE.search(text) is not None:
        return bool(words)  # 我分管的 too: the asker's own
    return _department_shaped(words)


def _department_shaped(words: str) -> bool:
    name = normalise_department(words)
    return len(name) >= 2 and not _ME.match(name) and _UNIT.search(name) is not None


def _stats(
    text: str,
    leaders: Collection[str],
    departments: Collection[str],
    normal: str,
    *,
    named: bool = False,
) -> Reading:
    """A statistics question: overall, per group (``by``), or one department's or leader's.

    A name the ledger knows is taken as it spells it; words that would be a name (a
    department's shape, words before 分管的, or all of /stats's argument when ``named``) but
    that the ledger does not know are ``unread``, so the bot says so rather than answering
    for everyone.
    """
    by: By | None = None
    if _BY_DEPARTMENT.search(text):
        by = "department"
    elif _BY_LEADER.search(text):
        by = "leader"
    department = leader = None
    for name in sorted({*leaders, *departments}, key=len, reverse=True):
        if name and name in text:
            if name in leaders:
                leader = name
            else:
                department = name
            break
    unread = ""
    words = _whose_words(text)
    names_someone = named or _department_shaped(words) or _WHOSE.search(text) is not None
    if department is None and leader is None and words and not _ME.match(words) and names_someone:
        found = read_name(words, leaders=leaders, departments=departments)
        if found is not None and found.kind == "department":
            department = found.name
        elif found is not None and found.kind == "leader":
            leader = found.name
        elif by is None:
            unread = words
    return Reading("stats", department=department, leader=leader, by=by, unread=unread, text=normal)


def _spans(quantities: Collection[Quantity]) -> list[tuple[int, int]]:
    return [(quantity.start, quantity.end) for quantity in quantities]


def _list(
    core: str,
    leaders: Collection[str],
    departments: Collection[str],
    *,
    numbers: tuple[str, ...] = (),
) -> Reading:
    """A question for a list, with its filters; nlu.intents reads the plain ones."""
    normal = core
    if len(numbers) > 1:
        return Reading("task", numbers, text=normal)
    for pattern, intent in _ENGLISH:
        if pattern.search(core):
            return _from_intent(intent, normal)
    search = _SEARCH_WORDS.match(core)
    if search is not None:
        words = search.group("words") or search.group("about") or ""
        terms = search_terms(words, [*leaders, *departments])
        if terms:
            return Reading("search", terms=terms, topic=_topic(words, []), text=normal)
    intent = read_intent(core, leaders=leaders, departments=departments)
    mine = _MINE.search(core) and _OWN_WORK.search(core)
    if intent.kind in ("unknown", "search") and mine and not _DUE_OR_LATE.search(core):
        return Reading("todo", text=normal)
    if intent.kind == "task" and intent.number is not None:
        return Reading("task", (intent.number,), text=normal)
    if numbers:
        return Reading("task", numbers, text=normal)
    period = _period(core)
    overdue = intent.kind == "overdue" or _LATE.search(core) is not None
    named = any(name and name in core for name in (*leaders, *departments))
    if intent.kind in ("unknown", "search", "due", "overdue") and (
        period or overdue or (named and intent.kind == "due")
    ):
        return _filtered(
            core, "overdue" if overdue else "due", period or intent.period, leaders, departments
        )
    if intent.kind != "unknown":
        return _from_intent(intent, normal)
    return Reading("other", topic=_topic(normal, []), text=normal)  # maybe a task's nickname


def _from_intent(intent: Intent, normal: str) -> Reading:
    if intent.kind == "task":
        return Reading("task", (intent.number,) if intent.number else (), text=normal)
    if intent.kind == "search":
        return Reading("search", terms=intent.terms, topic=_topic(normal, []), text=normal)
    if intent.kind == "department":
        return Reading("department", department=intent.name, text=normal)
    if intent.kind == "leader":
        return Reading("leader", leader=intent.name, text=normal)
    if intent.kind == "unknown":
        return Reading("other", text=normal)
    return Reading(intent.kind, period=intent.period, text=normal)


_FILTER_GLUE = re.compile(
    r"(?:逾期|超期|过期|拖期|未完成|没完成|没有完成|的|了|有|哪些|什么|任务|事项|工作|事|还有|都|"
    r"快(?:要)?到期|即将到期|马上(?:就)?(?:要)?到期|临近到期|到期|截止|要|需要|完成|办完|之前|以前|前|内"
    r"|年底|今年|本年|年内|\d{1,2}\s*月份?|[一二三四五六七八九十]{1,3}月份?|底|末|今天|本周|这周|下周|本月|这个?月|下个?月"
    r"|负责|牵头|分管|名下|那边|同志|领导|主席|副主席|书记|部长|主任|秘书长|查|看|看看|列出|显示|一下|给我|所有|全部|\s)+"
)


def _filtered(
    core: str,
    kind: Literal["due", "overdue"],
    period: str | None,
    leaders: Collection[str],
    departments: Collection[str],
) -> Reading:
    """逾期的 or 本月到期 narrowed to a department or a leader; what is left must be glue."""
    from nlu.intents import read_name

    department = leader = None
    rest = core
    for name in sorted({*leaders, *departments}, key=len, reverse=True):
        if name and name in rest:
            if name in leaders and leader is None:
                leader = name
            elif department is None:
                department = name
            rest = rest.replace(name, " ")
    leftover = _FILTER_GLUE.sub("", rest).strip()
    if leftover and department is None and leader is None:
        named = read_name(leftover, leaders=leaders, departments=departments)
        if named is not None:
            department = named.name if named.kind == "department" else None
            leader = named.name if named.kind == "leader" else None
            leftover = ""
    if kind == "due" and period is None:
        period = "this_week"
    return Reading(
        kind,
        period=period if kind == "due" else None,
        department=department,
        leader=leader,
        unread=leftover,
        text=core,
    )


def extended_due(due: date | None, days: int) -> date | None:
    """A deadline moved later by ``days`` (30 days count as a month: 6-30 -> 7-31)."""
    if due is None:
        return None
    if days % 30 == 0:
        return add_months(due, days // 30)
    from datetime import timedelta

    return due + timedelta(days=days)
