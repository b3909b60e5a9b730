"""The clerk's ledger-keeping messages: a change to a task (Edit), or a new task (NewTask).

``read_edits(text, today=…)`` reads 第3项由李麟负责，学会部牵头，6月底前完成 as three Edits;
``read_new_task(text, today=…)`` reads 新增任务：组织全市科普讲解大赛，普及部牵头，李麟负责，9月底前
as a NewTask. Both are pure functions of the words; which task 第3项 or 大篷车那项 is, and whether
the sender may change it, is decided above (ledger.understanding, the chat).

What a change says (``field``; ``mode`` is set unless said):

- ``leader`` 责任领导: 由李麟负责, 责任领导改为李麟, 负责人改李麟, 责任领导就改成李麟吧,
  只留李麟, 交给李麟, 分给陈汉平, 换成李麟; add: 增加王五为责任领导, 责任领导加上李麟,
  让李麟也负责; remove: 去掉王五, 不再由陈汉平负责, 李义词不再负责了.
- ``lead`` 牵头单位: 牵头改为学会部, 牵头的改成学会部, 由学会部牵头, 牵头单位：学会部、组宣部,
  牵头普及部（中心）, 改由市科技馆牵头, 学会部牵头; add: 增加学会部为牵头单位, 学会部也一起
  牵头; remove: 牵头单位去掉组宣部, 不再由学会部牵头.
- ``responsible`` 配合/责任单位: 责任单位改为组宣部、学会部, 办公室配合; add: 配合单位加上办公室, 请
  学会部配合, 办公室也参与配合; remove: 不需要办公室配合了, 组宣部不再配合, 配合单位删除办公室.
- A field's old value before its new one sets the new: 责任领导由陈汉平改为李麟, 牵头单位学会部改成
  组宣部; one name swapped for another with 把 removes one and adds the other: 配合单位把组宣部换成
  学会部, 把责任领导里的李麟换成陈汉平.
- ``due``: 6月底前完成, 截止时间改为9月30日, 期限调整为年底, 完成时限定为2025年10月, 截止日期
  延到7月15日; 完成时限2025年12月底改为2025年10月底 moves it to the date after the verb; 时间
  改到11月 when 时间 opens the change (座谈会时间定在… is an event's); 截至日期 is a slip for
  截止日期 (``due`` and the words that gave it, ``due_text``; a deadline with no date, 持续推进,
  keeps only its words).
- ``content``, ``measures``: 内容改为：……, 工作措施改成……, 任务名称改为……; 措施增加一条：…… adds.
  Their words run to the message's end, commas and all, and are kept as written.
- ``target``: 目标改为40场, 目标从40场调整为30场, 目标由1家提到2家 (``quantity``, nlu.quantity's);
  with no 目标, a verb that changes an amount right before it: 大篷车巡展改成30场, 培训班由2期
  改成3期, and 科普大篷车巡展改成30场 流动科技馆巡展改成6站 as two targets (the words before
  each say what is counted).
- ``cancel``: 取消第3项，原因：…, 第3项不做了，因为…, 第3项作废, 撤销第3项任务; ``text`` is the
  reason (after 原因/理由/因为, or what follows the cancel, or a 因… clause before it), else empty.

A person is a name the ledger knows (``leaders``) or, by shape, 2–4 Han characters opening with
a common surname, titles such as 同志 or 副主席 dropped; a department is one the ledger knows
(``departments``, returned in its spelling) or a name ending as nlu.names' unit endings do,
returned in nlu.names' one spelling (普及部(中心) -> 普及部（中心）). Lists join names with 、 / 和
及 与 跟, or a comma after a field's colon (牵头：组宣部，学会部). Where a verb does not say the
field (交给, 由…负责, 增加, 去掉), a person is a leader and a department leads, or, added or
removed, shares the task.

Decisions:

- A wrong change is worse than none. A message is read as changes only when each clause is a
  change, a list continuing the one before, the words naming the task (first, before any change:
  大篷车那项), glue (的, 了, 吧, 请, 谢谢) or the text a change carries; a clause that says
  anything else (已经跑了25场, 是不是, 召开了) leaves the whole message unread as changes.
- A deadline is told, never asked: 推迟到, 延期到, 能不能…改到, 申请… are extension requests and
  not read here, but a later date told beside its field (截止日期延到7月15日, 时限顺延至10月15日)
  is a change; a date alone in a clause (9月底前) counts only beside another change.
- A field said to stay as it is (牵头的还是学会部不变, 截止时间不变, 其他不变) is no change.
- Dates follow the chat rules of nlu.deadline (no document year): 3月 said in May is next March.
- A cancel needs a task: a number, or the words 项/任务/事项/工作 (晚上的会取消了 is not one).
- A department removed with no field word (第3项去掉办公室) reads as ``responsible``: the words
  do not say which part it held; the chat layer removes it from whichever it is in.
- A new task is announced first (新增任务, 加一项任务, 新增一项工作, 增加任务, 新加一项工作任务,
  补充任务一项, 再加个任务, 台账里加一条 …, voice's fillers around it: 嗯新增一个任务啊就是那个…);
  its ``content`` is its words less the clauses that give the other fields (牵头, 负责, 配合,
  a date, 措施：…), or the words named as such (内容是…, 内容：…) wherever they stand; a field not
  said stays empty, for the chat to ask or leave open. Typed apart with spaces (新增任务 开展培训
  办公室牵头 陈汉平 10.31), a name the ledger knows said alone continues the list before it of its
  kind (配合单位组宣部 办公室), joins the field after it that opens with names of its kind
  (郑昌盛 陈汉平 负责, 办公室 机关党委牵头), or else a person is a leader and a department leads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from nlu.deadline import parse_deadline
from nlu.names import canonical, looks_like_department, normalise_department
from nlu.quantity import Quantity, read_quantities

EditField = Literal[
    "leader", "lead", "responsible", "due", "content", "measures", "target", "cancel"
]
EditMode = Literal["set", "add", "remove"]


@dataclass(frozen=True)
class Edit:
    """One change to a task, as the clerk said it."""

    field: EditField
    mode: EditMode = "set"
    # Leaders or departments as written: ("李麟",), ("学会部", "组宣部").
    names: tuple[str, ...] = ()
    text: str = ""  # new content / measures, or the reason of a cancel
    due: date | None = None  # a new deadline (chat year-rolling: 3月 said in May is next March)
    due_text: str = ""  # the words that gave it (6月底前)
    quantity: Quantity | None = None  # a target: 40场


@dataclass(frozen=True)
class NewTask:
    """A task to add to the ledger; a field not said is empty."""

    content: str  # the task's words, without the field phrases
    leaders: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()  # 牵头 departments, first leads
    responsible: tuple[str, ...] = ()  # 配合/责任 departments
    due: date | None = None
    due_text: str = ""
    measures: str = ""


@dataclass(frozen=True)
class EditScan:
    """read_edits' changes with what nlu.understand needs beside them."""

    edits: tuple[Edit, ...] = ()
    numbers: tuple[str, ...] = ()  # tasks named by number, outside the words a change carries
    topic: str = ""  # the words before the first change that may name the task (大篷车那项)


# --- the text --------------------------------------------------------------------------------

_HAN = "\u4e00-\u9fff"
_SPACE_OR_HAN = re.compile(rf"[{_HAN}]")
_WORD_PAIR = re.compile(r"\w{2}")


@dataclass(frozen=True)
class _Text:
    """The message folded for reading (NFKC, lower case, task references taken out), with the
    way back to the words as written."""

    original: str
    work: str
    origin: tuple[int, ...]  # each work character's index in ``original``
    refs: tuple[tuple[str, int], ...]  # each task number and the work position it stood at
    cuts: frozenset[int]  # work positions where a reference was taken out

    def source(self, start: int, end: int) -> str:
        """The words as written behind ``work[start:end]``, with the task references that stood
        inside or at its end (并入第5项)."""
        if start >= end:
            return ""
        stop = self.origin[end] if end < len(self.work) else len(self.original)
        return self.original[self.origin[start] : stop].strip()


def _dropped(char: str) -> bool:
    """Emoji and joiners: no word is made of them."""
    return unicodedata.category(char) in ("So", "Cs", "Cf") or char == "\ufe0f"


def _prepare(text: str, *, gaps: bool = False) -> _Text:
    """``text`` folded; with ``gaps``, a space between two words of two or more characters is
    kept (新增任务 组织评选 组宣部牵头: a list typed with spaces), else only beside non-Han."""
    # nlu.understand reads changes with this module and owns the grammar of task references.
    from nlu.understand import task_refs

    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in unicodedata.normalize("NFKC", char).lower():
            if _dropped(piece):
                continue
            chars.append(" " if piece.isspace() else piece)
            origin.append(index)
    keep: list[int] = []
    for index, char in enumerate(chars):
        if char == " ":
            before = "".join(chars[i] for i in keep[-2:])
            after = "".join(chars[index + 1 : index + 3])
            if not before or before[-1] == " ":
                continue  # runs of spaces
            if _SPACE_OR_HAN.match(before[-1]) and _SPACE_OR_HAN.match(after[:1] or " "):
                words = gaps and all(_WORD_PAIR.fullmatch(side) for side in (before, after))
                if not words:
                    continue  # voice input's gaps between characters (逾 期)
        keep.append(index)
    folded = "".join(chars[index] for index in keep)
    folded_origin = [origin[index] for index in keep]
    work: list[str] = []
    work_origin: list[int] = []
    refs: list[tuple[str, int]] = []
    cuts: set[int] = set()
    spans = task_refs(folded)
    inside = {i for ref in spans for i in range(ref.start, ref.end)}
    starts = {ref.start: ref.number for ref in spans}
    for index, char in enumerate(folded):
        if index in starts:
            refs.append((starts[index], len(work)))
            cuts.add(len(work))
        if index in inside:
            continue
        work.append(char)
        work_origin.append(folded_origin[index])
    return _Text(text, "".join(work), tuple(work_origin), tuple(refs), frozenset(cuts))


# --- names -----------------------------------------------------------------------------------

# Common Chinese surnames (single and double); a name the ledger does not know must open with one.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔汤常温康施文牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚"
    "符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆"
    "农司卓古吉缪简车项连芦麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙"
    "荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆乐冀郁胥班储栗燕楚鄢劳谌奚皮粟冼蔺楼满闻"
    "厉伊仝郜阚帅屠豆朴盖练廉禹井祖漆巴丰支卿狄索晋芮扈晁阙浦戈伏鹿薄雍辜裘亓修邰赫杭况宿鲜"
    "逯隆茹诸战慕危亢嵇湛宾戎勾茅揭尉束檀衣昝植衡尧"
)
_DOUBLE_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "端木",
)
_TITLE = (
    r"(?:常务副主席|副主席|主席|党组书记|副书记|书记|副秘书长|秘书长|副部长|部长|副主任|主任"
    r"|副局长|局长|副馆长|馆长|处长|科长|同志|老师)"
)
_TITLES_AFTER = re.compile(rf"{_TITLE}+$")
_TITLES_BEFORE = re.compile(rf"^{_TITLE}+")
_HAN_NAME = re.compile(rf"^[{_HAN}·]+$")
# Characters no name holds: pronouns, particles, question words.
_NOT_IN_NAMES = re.compile(r"[的了们我你他她它这那哪谁啥么吗呢吧啊也都把被让请给将几多少]")
# Words that open with a surname's character and name nobody.
_NOT_PEOPLE = frozenset(
    re.findall(
        r"\w+",
        "任务 项目 文件 经费 程序 方面 方案 安排 成果 黄石 江城 范围 常态 单位 时间 计划 文字 金额"
        " 程度 石化 高校 高新 华中 温度 严格 谢谢 易于 方式 方法 周期 周末 年底 成员 余下 全部"
        " 毛病 包括 管理 党建 宣传 曾经 向上 齐全 孔子 应急",
    )
)
_NOT_DEPARTMENTS = frozenset(
    ["全部", "内部", "外部", "局部", "干部", "本部", "一部", "部门", "单位", "部室", "学会", "大会"]
)
# Nor a department's name these words of changing one.
_NOT_IN_DEPARTMENTS = re.compile(
    r"改为|改成|换成|换为|调整|负责|牵头|配合|增加|去掉|删除|交给|由|不要|不用|不需要|不再"
)
_NAME_LEAD_IN = re.compile(r"^(?:就|的|由|让|请|把|将|给|是|为|和|交给|改由|交由)+")
_NAME_TAIL = re.compile(r"(?:同志|来|去|也|一起|共同|的)+$")
_LIST_SEPARATORS = "、/,，"
_AND = "和及与跟"

Kind = Literal["person", "department"]


@dataclass(frozen=True)
class _Known:
    leaders: frozenset[str]
    departments: dict[str, str]  # one spelling -> the ledger's spelling


def _known(leaders: Collection[str], departments: Collection[str]) -> _Known:
    return _Known(
        frozenset(leaders), {normalise_department(name): name for name in departments if name}
    )


def _person_shape(name: str) -> bool:
    if not (2 <= len(name) <= 4 and _HAN_NAME.match(name)) or _NOT_IN_NAMES.search(name):
        return False
    if name in _NOT_PEOPLE or _glue(name):
        return False
    if name[:2] in _DOUBLE_SURNAMES:
        return len(name) >= 3
    return name[0] in _SURNAMES


def _department_shape(name: str) -> bool:
    bare = re.sub(r"[(（][^()（）]*[)）]$", "", name)
    return (
        looks_like_department(name)
        and len(bare) <= 15
        and bool(re.fullmatch(rf"[{_HAN}·()（）、]+", name))
        and not _NOT_IN_NAMES.search(bare)
        and not _NOT_IN_DEPARTMENTS.search(bare)
        and bare not in _NOT_DEPARTMENTS
    )


def _one_name(text: str, known: _Known) -> tuple[Kind, str] | None:
    """A person or a department, in the spelling to return, or None."""
    name = _TITLES_AFTER.sub("", text)
    name = _TITLES_BEFORE.sub("", name) or name
    if name in known.leaders:
        return "person", name
    department = normalise_department(name)
    if department in known.departments:
        return "department", known.departments[department]
    if len(name) >= 3 and _department_shape(name):
        return "department", department
    if _person_shape(name) and not looks_like_department(name):
        return "person", name
    if _department_shape(name):
        return "department", department
    return None


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += char in "(（"
        depth -= depth > 0 and char in ")）"
        if depth == 0 and char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _piece_names(piece: str, known: _Known) -> list[tuple[Kind, str]] | None:
    """One list entry: a name, names joined by 和/及/与/跟, or known names run together."""
    piece = _NAME_TAIL.sub("", _NAME_LEAD_IN.sub("", piece))
    if not piece:
        return None
    if piece in known.leaders or normalise_department(piece) in known.departments:
        return [_one_name(piece, known) or ("person", piece)]
    for index, char in enumerate(piece):
        if char in _AND and 0 < index < len(piece) - 1:
            left = _one_name(piece[:index], known)
            right = _piece_names(piece[index + 1 :], known)
            if left is not None and right is not None:
                return [left, *right]
    one = _one_name(piece, known)
    if one is not None:
        return [one]
    for name in sorted({*known.leaders, *known.departments.values()}, key=len, reverse=True):
        if name and piece.startswith(name) and len(piece) > len(name):
            rest = _piece_names(piece[len(name) :], known)
            first = _one_name(name, known)
            if rest is not None and first is not None:
                return [first, *rest]
    return None


def _read_names(run: str, known: _Known) -> list[tuple[Kind, str]] | None:
    """Every name in ``run`` (学会部、组宣部), or None when any part is not a name."""
    found: list[tuple[Kind, str]] = []
    for piece in _split_outside_brackets(run.strip(), _LIST_SEPARATORS):
        names = _piece_names(piece.strip(), known)
        if names is None:
            return None
        found.extend(name for name in names if name not in found)
    return found or None


# --- the phrases -----------------------------------------------------------------------------

_RUN = rf"[{_HAN}()、/和及与跟·]+?"
_PARTICLES = r"(?:吧|了|啊|呀|哈|啦|哦|即可|就行|就好|就可以了?|一下)"
_END = rf"{_PARTICLES}*\s*$"
_SET = (
    r"(?:改为由|改成由|改为|改成|改由|换成|换为|调整为|调整成|调为|更换为|更改为|变更为|修改为|更新为"
    r"|确定为|明确为|定为|设为|设定为|设置为|只留下?|只保留|仅保留|仅留|为|是|:|改|换)"
)
# A field's old value before the new one, said without 由/从: 牵头单位学会部改成组宣部.
_CHANGE_TO = r"(?:改为|改成|换成|换为|调整为|调整成|调为|更换为|更改为|变更为|修改为)"
_ADD = (
    r"(?:再增加|增加|再加上|加上|再添加|添加|新增|增补|补充|追加|再加|加进|加入|加)(?:上)?"
    r"(?:一个|一位|一名|一家)?"
)
_REMOVE = r"(?:去掉|去除|删去|删掉|删除|移除|拿掉|减去|撤掉|撤下|撤出|取消|免去|剔除|划掉)"
_LEADER_LONG = r"(?:责任领导|分管领导|牵头领导|负责领导|分管负责人|负责人|责任人)"
_LEADER = rf"(?:{_LEADER_LONG}|分管|领导)"
_LEAD_LONG = r"(?:牵头单位|牵头部门|牵头部室|牵头处室|牵头科室)"
_LEAD = rf"(?:{_LEAD_LONG}|牵头)"
_SHARE_LONG = (
    r"(?:配合单位|配合部门|配合部室|责任单位|责任部门|责任部室|协办单位|参与单位|协助单位)"
)
_SHARE = rf"(?:{_SHARE_LONG}|配合)"
_AMONG = r"(?:中|里|里面)?"
# 由学会部改为…: the old value is not read.
_OLD_SET = rf"(?:(?:由|从)[^,;]*?{_SET}|(?P<old>{_RUN}){_CHANGE_TO}|{_SET})"
# Between a field and its new value: 牵头的改成…, 责任领导就改成….
_PAUSE = r"(?:的)?(?:就|也|都|再)?"
_HANDLE = r"(?:具体负责|牵头负责|负责|分管|主抓|抓|管|办理|承办|主办|来办)"
_TITLED = rf"{_TITLE}?"

Role = Literal["leader", "lead", "responsible", "generic"]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    role: Role
    mode: EditMode
    names_first: bool = False  # the names open the phrase: they must start at a word's start
    swap: bool = False  # 把组宣部换成学会部: the ``old`` names go, the new ones come


def _rule(
    pattern: str, role: Role, mode: EditMode, names_first: bool = False, swap: bool = False
) -> _Rule:
    return _Rule(re.compile(pattern), role, mode, names_first, swap)


_SWAP = r"(?:换成|换为|改为|改成|替换为|替换成|调整为|更换为)"


def _swap(field: str) -> str:
    """配合单位把组宣部换成学会部, 把配合单位里的组宣部换成学会部: one name for another."""
    return (
        rf"(?:{field}{_AMONG}(?:的)?(?:把|将)|(?:把|将){field}{_AMONG}(?:的)?)"
        rf"(?P<old>{_RUN}){_TITLED}{_SWAP}(?P<n>{_RUN}){_TITLED}{_END}"
    )


# In order of preference when two phrases start at the same place and are as long.
_RULES = (
    # one name for another in a field
    _rule(_swap(_LEADER), "leader", "add", swap=True),
    _rule(_swap(_LEAD), "lead", "add", swap=True),
    _rule(_swap(_SHARE), "responsible", "add", swap=True),
    # leaders
    _rule(rf"{_LEADER}{_AMONG}{_ADD}(?P<n>{_RUN}){_END}", "leader", "add"),
    _rule(rf"{_ADD}{_LEADER}(?P<n>{_RUN}){_END}", "leader", "add"),
    _rule(
        rf"{_ADD}(?P<n>{_RUN}){_TITLED}(?:为|作为|当|任)?(?:共同|一起)?(?:{_LEADER}|负责|分管){_END}",
        "leader",
        "add",
    ),
    _rule(rf"{_LEADER}{_AMONG}{_REMOVE}(?P<n>{_RUN}){_END}", "leader", "remove"),
    _rule(rf"{_REMOVE}{_LEADER}(?P<n>{_RUN}){_END}", "leader", "remove"),
    _rule(rf"{_REMOVE}(?P<n>{_RUN})(?:的)?{_LEADER}{_END}", "leader", "remove"),
    _rule(
        rf"{_LEADER_LONG}{_PAUSE}{_OLD_SET}?(?P<n>{_RUN}){_TITLED}(?:来)?(?:{_HANDLE})?{_END}",
        "leader",
        "set",
    ),
    _rule(
        rf"(?:分管|领导){_PAUSE}{_OLD_SET}(?P<n>{_RUN}){_TITLED}(?:来)?(?:{_HANDLE})?{_END}",
        "leader",
        "set",
    ),
    _rule(rf"把(?P<n>{_RUN})从(?:的)?{_LEADER}{_AMONG}{_REMOVE}{_END}", "leader", "remove"),
    # lead departments
    _rule(rf"{_LEAD}{_AMONG}{_ADD}(?P<n>{_RUN}){_END}", "lead", "add"),
    _rule(rf"{_ADD}{_LEAD_LONG}(?P<n>{_RUN}){_END}", "lead", "add"),
    _rule(rf"{_ADD}(?P<n>{_RUN})(?:为|作为)?(?:共同)?{_LEAD}{_END}", "lead", "add"),
    _rule(rf"(?P<n>{_RUN})也(?:一起|共同)?牵头(?:负责)?", "lead", "add", names_first=True),
    _rule(rf"{_LEAD}{_AMONG}{_REMOVE}(?P<n>{_RUN}){_END}", "lead", "remove"),
    _rule(rf"{_REMOVE}{_LEAD_LONG}(?P<n>{_RUN}){_END}", "lead", "remove"),
    _rule(rf"把(?P<n>{_RUN})从(?:的)?{_LEAD}{_AMONG}{_REMOVE}{_END}", "lead", "remove"),
    _rule(rf"{_REMOVE}(?P<n>{_RUN})(?:的)?{_LEAD}{_END}", "lead", "remove"),
    _rule(rf"不(?:再|用|需要|要)?由(?P<n>{_RUN})(?:来)?牵头(?:负责)?", "lead", "remove"),
    _rule(rf"(?P<n>{_RUN})不再(?:负责)?牵头", "lead", "remove", names_first=True),
    _rule(rf"{_LEAD_LONG}{_PAUSE}{_OLD_SET}?(?P<n>{_RUN}){_END}", "lead", "set"),
    _rule(rf"牵头{_PAUSE}{_OLD_SET}?(?P<n>{_RUN}){_END}", "lead", "set"),
    _rule(
        rf"(?:改为由|改成由|换成由|改由|交由|交给|由|让|请)(?P<n>{_RUN}){_TITLED}(?:来|共同|一起)?牵头(?:负责)?",
        "lead",
        "set",
    ),
    _rule(
        rf"(?P<n>{_RUN}){_TITLED}(?:来|共同|一起)?牵头(?:负责)?", "lead", "set", names_first=True
    ),
    # departments that share the task
    _rule(rf"{_SHARE}{_AMONG}{_ADD}(?P<n>{_RUN}){_END}", "responsible", "add"),
    _rule(rf"{_ADD}{_SHARE_LONG}(?P<n>{_RUN}){_END}", "responsible", "add"),
    _rule(
        rf"{_ADD}(?P<n>{_RUN})(?:为|作为)?(?:{_SHARE_LONG}|参与配合|一起配合|配合|参与|协助|协办){_END}",
        "responsible",
        "add",
    ),
    _rule(
        rf"把(?P<n>{_RUN})(?:加进|加入|加到|纳入|列入|列为|增加到|增加为|添加到|补充到|补充进|补进)(?:到)?"
        rf"{_SHARE}{_AMONG}{_END}",
        "responsible",
        "add",
    ),
    _rule(rf"(?:请|让)(?P<n>{_RUN})(?:也|一起|共同)?(?:参与|协助|协办)?配合", "responsible", "add"),
    _rule(
        rf"(?P<n>{_RUN})(?:也|一起|共同)+(?:参与)?(?:配合|参与|协助|协办)",
        "responsible",
        "add",
        names_first=True,
    ),
    _rule(rf"{_SHARE}{_AMONG}{_REMOVE}(?P<n>{_RUN}){_END}", "responsible", "remove"),
    _rule(rf"{_REMOVE}{_SHARE_LONG}(?P<n>{_RUN}){_END}", "responsible", "remove"),
    _rule(rf"{_SHARE}{_AMONG}(?:不要|不用|不需要)(?P<n>{_RUN}){_END}", "responsible", "remove"),
    _rule(rf"把(?P<n>{_RUN})从(?:的)?{_SHARE}{_AMONG}{_REMOVE}{_END}", "responsible", "remove"),
    _rule(rf"{_REMOVE}(?P<n>{_RUN})(?:的)?{_SHARE}{_END}", "responsible", "remove"),
    _rule(
        rf"不(?:再)?(?:需要|用|要|必)?(?:再)?(?:让|由|请)?(?P<n>{_RUN})(?:再)?(?:参与|协助|协办)?"
        r"(?:配合|参与|协助|协办)",
        "responsible",
        "remove",
    ),
    _rule(
        rf"(?P<n>{_RUN})不(?:再|用|需要)(?:参与)?(?:配合|参与|协助|协办)",
        "responsible",
        "remove",
        names_first=True,
    ),
    _rule(rf"{_SHARE_LONG}{_PAUSE}{_OLD_SET}?(?P<n>{_RUN}){_END}", "responsible", "set"),
    _rule(rf"配合{_PAUSE}{_OLD_SET}(?P<n>{_RUN}){_END}", "responsible", "set"),
    _rule(rf"由(?P<n>{_RUN})(?:来|负责)?配合", "responsible", "set"),
    _rule(rf"(?P<n>{_RUN})(?:来|负责)?配合", "responsible", "set", names_first=True),
    # the verb does not say the field: a person leads it, a department leads or shares it
    _rule(
        rf"(?:让|请)?(?P<n>{_RUN}){_TITLED}也(?:一起|共同)?(?:负责|分管)",
        "generic",
        "add",
        names_first=True,
    ),
    _rule(rf"不再由(?P<n>{_RUN}){_TITLED}{_HANDLE}", "generic", "remove"),
    _rule(rf"(?P<n>{_RUN}){_TITLED}不再(?:负责|分管|管)", "generic", "remove", names_first=True),
    _rule(rf"{_REMOVE}(?P<n>{_RUN}){_END}", "generic", "remove"),
    _rule(rf"把(?P<n>{_RUN}){_REMOVE}{_END}", "generic", "remove"),
    _rule(rf"{_ADD}(?P<n>{_RUN}){_END}", "generic", "add"),
    _rule(
        rf"(?:改为由|改成由|换成由|改由|交由|由|让|请|归)(?P<n>{_RUN}){_TITLED}(?:来|去)?{_HANDLE}",
        "generic",
        "set",
    ),
    _rule(
        rf"(?:交给|分给|分配给|指派给|派给|安排给|转给|转交给|移交给|划给|划归|改派给|改给|换成|换为)"
        rf"(?P<n>{_RUN}){_TITLED}(?:来|去)?(?:{_HANDLE}|办|牵头)?{_END}",
        "generic",
        "set",
    ),
    _rule(rf"(?:改为|改成)(?P<n>{_RUN}){_TITLED}(?:来|去)?{_HANDLE}{_END}", "generic", "set"),
    _rule(
        rf"(?P<n>{_RUN}){_TITLED}(?:来|去)?(?:具体负责|负责|分管|主抓)",
        "generic",
        "set",
        names_first=True,
    ),
)

# Deadlines, targets, words and cancels.
_DEADLINE_FIELD = (
    r"(?:截止时间|截止日期|截止期限|截止时限|完成时限|完成期限|完成时间|完成日期|办结时间|办结时限"
    r"|办结期限|到期时间|到期日期|到期日|时间节点|时间要求|时限|期限|截止|deadline"
    r"|截至(?:时间|日期|期限|时限))"  # 截至日期: a slip for 截止日期 (截至目前 is no deadline)
)
# A later deadline told beside its field is a change (截止日期延到7月15日); asked for, or said
# with no field (推迟到7月), it is an extension request (nlu.understand).
_LATER_TO = r"(?:延期|延长|延后|推迟|顺延|延|推|挪)(?:到|至)"
# Verbs that give a deadline a new date (and, between two dates, move it from one to the other).
_DUE_CHANGE = (
    r"改为|改成|改到|改至|调整为|调整到|调整至|调为|调到|调至|调成|更改为|修改为|变更为|更新为|确定为"
    rf"|明确为|定为|定在|定于|设为|设定为|设置为|提前到|提前至|{_LATER_TO}"
)
_DUE_VERB = rf"{_DUE_CHANGE}|为|是|:"
_DUE_CUE = re.compile(
    rf"{_DEADLINE_FIELD}(?:要求)?(?:(?:由|从)[^,;]*?(?:{_DUE_VERB})|(?:{_DUE_VERB})?)"
)
# 时间 alone is an event's (座谈会时间定在6月10日) unless it opens the change with a verb.
_TIME_CUE = re.compile(rf"时间(?:要求)?(?:{_DUE_CHANGE})")
_DUE_MOVED = re.compile(rf"(?:{_DUE_CHANGE})")
_DUE_BY = re.compile(
    r"(?:之前|以前|前)(?:要|需要|须|必须|务必|应|应当)?(?:全部)?"
    r"(?:完成|办完|办结|完结|完工|落实到位|落实|到位|结束)(?:任务)?"
)
_DATE_LEAD_IN = re.compile(
    r"(?:确保|务必|必须|需要|要|须|应当?|在|于|争取|力争|预计|估计|计划|打算|可能)+"
)
_DUE_TRAILING = re.compile(
    r"(?:(?:要|需要|须|必须|务必|应|应当)?(?:全部)?(?:完成|办完|办结|完结|为止)(?:任务)?|吧|了|即可)+$"
)
# A later deadline asked for is an extension request (nlu.understand), not a change.
_ASKS = re.compile(r"宽限|来不及|能不能|能否|可不可以|可否|可以吗|行吗|好吗|好不好|行不行|申请|想")
_LATER = re.compile(r"延期|延后|延长|延迟|延到|延至|推迟|推后|推到|顺延|往后|挪到|晚\s*\d")
_TOLD_LATER = re.compile(rf"(?:{_DEADLINE_FIELD}|时间)(?:的)?(?:就|也)?{_LATER_TO}")
_TARGET = re.compile(
    r"(?:目标任务|任务目标|目标值|目标数|年度目标|全年目标|目标|指标)(?:数)?(?:(?:由|从)[^,;]*?)?"
    r"(?:改为|改成|调整为|调整到|调整至|调整成|调为|调到|调至|调成|提高到|提高至|提高为|提升到|提升至"
    r"|提到|提至|增加到|增加至|改到"
    r"|增至|降低到|降低至|降为|降到|减少到|减少至|减到|下调到|下调至|下调为|上调到|上调至|上调为|修改为"
    r"|更改为|变更为|定为|设为|设定为|确定为|为|是|:)"
)
# Without 目标, only a verb that changes an amount, the amount right after it.
_TARGET_BARE = re.compile(
    r"(?:改为|改成|调整为|调整到|调整成|调为|调到|调成|提高到|提高至|提到|提至|增加到|增至|降低到|降为"
    r"|降到|减少到|减到|下调到|下调为|上调到|上调为)(?:不少于|不低于|至少|达到)?"
)
_TEXT_VERB = r"(?:改为|改成|修改为|更改为|调整为|更新为|换成|换为|变更为|替换为|改|为)"
_CONTENT = re.compile(
    r"(?:任务内容|工作内容|具体内容|内容|任务名称|任务名|事项名称|名称|标题|任务表述|文字表述|表述"
    r"|任务描述|描述)"
    rf"(?:{_TEXT_VERB}\s*:?|:)\s*"
)
_MEASURES = re.compile(
    r"(?:工作措施|具体措施|主要措施|推进措施|实施措施|落实措施|工作举措|具体举措|措施|举措)"
    rf"(?:(?P<add>{_AMONG}(?:增加|补充|加上|添加|新增|增补|追加|再加)(?:一条|一项|一点|内容)?)\s*:?"
    rf"|{_TEXT_VERB}\s*:?|:)\s*"
)
_QUESTION_START = re.compile(r"^(?:什么|啥|多少|哪|谁|几|怎么|如何|是否|是不是)")
_REASON = re.compile(r"(?:原因|理由|缘由)(?:是|为)?\s*:?\s*")
_BECAUSE = re.compile(r"^(?:因为|由于|鉴于|因)")
_CANCEL = re.compile(
    r"停止执行|终止执行|停止实施|取消|撤销|撤掉|撤回|作废|废止|终止|停止|停办|删除|删掉|划掉|去掉|拿掉|不做了|不搞了|不办了|不弄了"
    r"|不干了|不再开展|不开展了|不用做了|不用办了|不用搞了|不需要做了|不需要办了|不要了|不再做了"
    r"|不再执行|不做"
)
_TASK_WORDS = re.compile(r"项|任务|事项|工作")
_FIELD_WORDS = re.compile(r"配合|牵头|负责|领导|单位|部门|措施|目标|时间|期限|截止|内容")
_NOT_CANCEL = re.compile(r"提醒|催")
# Words between and around changes that say nothing more.
_GLUE_WORDS = (
    r"的|了|吧|啊|呀|哈|啦|哦|嗯|一下|即可|就行|就好|就可以了?|好了|把|将|请|麻烦你?|帮我|帮忙|劳驾"
    r"|能不能|能否|可不可以|可否|(?:可以吗|行吗|好吗|好不好|行不行)\??|可以|要在|须在|需在|必须于|必须在|必须"
    r"|务必在|务必于|务必|确保|应在|应于|应当|要|需要|在|于|也|再|都|就|并|同时|另外|然后|还有|此外"
    r"|这项工作|这个任务|这项|该项|此项|本项|那项|这个|那个|这条|那条|这件|那件|项|任务|工作|事项"
    r"|台账(?:里|中|上)?|的话|一并|现在|从现在起|即日起|谢谢|辛苦了?|麻烦了|好的|就这样"
    r"|(?:请)?(?:更新|修改|调整|改)(?:一下)?(?:台账)?|请知悉|ok|[\s:、()\"'“”‘’!.。]"
)
_GLUE = re.compile(rf"(?:{_GLUE_WORDS})*")
_LEADING_GLUE = re.compile(rf"^(?:{_GLUE_WORDS})+")
_TRAILING_GLUE = re.compile(rf"(?:{_GLUE_WORDS})+$")
# What the words naming a task never hold: a report's or a question's words.
_NOT_A_TOPIC = re.compile(
    r"\d|已|了|正在|召开|举办|开展|跑|办了|完成|是不|有没|是否|谁|什么|啥|哪|吗|么|呢|几|多少|\?"
    r"|预计|估计|计划|打算|可能|有望|力争|争取|去掉|删除|取消|增加|加上|不要|不用|不再"
)


def _glue(text: str) -> bool:
    return _GLUE.fullmatch(text) is not None


# A field said to stay as it is (牵头的还是学会部不变, 截止时间不变, 其他不变): no change.
_STAYS = re.compile(r"不变|照旧|不动")
_UNCHANGED = re.compile(
    r"(?:然后|但是?|另外|同时)?(?:(?P<others>其他|其余|其它|别的)|(?P<field>"
    rf"{_LEADER}|{_LEAD}|{_SHARE}|{_DEADLINE_FIELD}|时间|目标|指标|内容|措施))"
    r"(?:的)?(?:都|也)?(?:还是|仍然是|仍然由|仍是|仍为|仍由|依然是|依旧是?|照样是?|保持|维持)?"
    rf"(?P<n>{_RUN})?(?:都|也)?(?:保持|维持)?(?:不变|照旧|不动)(?:的)?{_END}"
)


def _unchanged_from(clause: str, known: _Known) -> int:
    """Where the words saying a field stays as it is begin in ``clause`` (its length if none)."""
    if len(clause) > LONGEST_CLAUSE or not _STAYS.search(clause):
        return len(clause)
    for start in range(len(clause)):
        match = _UNCHANGED.match(clause, start)
        if match is None:
            continue
        names = match.group("n")
        if names and (match.group("others") or _read_names(names, known) is None):
            continue
        return start
    return len(clause)


# --- reading a clause ------------------------------------------------------------------------


# Beyond these lengths words are not a change's or a date's (and reading them would cost time
# a long message should not take): a clause that long is a report, or a new task's words.
LONGEST_CLAUSE = 80
LONGEST_DATE = 24
LONGEST_AMOUNT = 12  # 由1.5万人次


@dataclass(frozen=True)
class _Found:
    start: int  # in the clause
    end: int
    edits: tuple[Edit, ...]
    named: bool = False  # the words before it may name what it changes (大篷车巡展改成30场)


def _edits_for(
    names: list[tuple[Kind, str]], role: Role, mode: EditMode
) -> tuple[Edit, ...] | None:
    people = tuple(name for kind, name in names if kind == "person")
    departments = tuple(name for kind, name in names if kind == "department")
    if role == "leader":
        return (Edit("leader", mode, people),) if not departments else None
    if role == "responsible":
        return (Edit("responsible", mode, departments),) if not people else None
    shared: EditField = "responsible" if role == "generic" and mode != "set" else "lead"
    found = []
    if people:
        found.append(Edit("leader", mode, people))
    if departments:
        found.append(Edit(shared, mode, departments))
    return tuple(found)


def _at_word_start(clause: str, start: int, cut_at: frozenset[int]) -> bool:
    """Whether a name may open at ``start``: the clause's start, after a removed task number,
    a non-Han character, or a word that introduces a name."""
    if start == 0 or start in cut_at:
        return True
    if not _SPACE_OR_HAN.match(clause[start - 1]):
        return True
    return re.search(r"(?:的|由|请|让|把|将|是|和|也|交给|改由|交由)$", clause[:start]) is not None


def _by_rule(
    rule: _Rule, clause: str, pos: int, known: _Known, cut_at: frozenset[int]
) -> _Found | None:
    """The first place from ``pos`` where ``rule`` reads as names."""
    at = pos
    while at <= len(clause):
        match = rule.pattern.search(clause, at)
        if match is None:
            return None
        at = match.start() + 1
        run = match.group("n")
        names = _read_names(run, known)
        if names is None:
            continue
        old = match.groupdict().get("old")
        gone = _read_names(old, known) if old is not None else None
        if old is not None and (gone is None or re.match(r"把|将", old)) and not rule.swap:
            continue  # 是不是改成学会部: what stands before the verb is no old value
        if rule.names_first:
            if _NAME_LEAD_IN.match(run):
                continue  # 是改由李麟负责: the phrase is another rule's, or none
            opens = match.start("n")
            first_known = names[0][1] in known.leaders or names[0][1] in known.departments.values()
            if not (first_known or _at_word_start(clause, opens, cut_at)):
                continue
        edits = _edits_for(names, rule.role, rule.mode)
        if rule.swap:
            removed = _edits_for(gone, rule.role, "remove") if gone else None
            edits = removed + edits if removed and edits else None
        if edits:
            return _Found(match.start(), match.end(), edits)
    return None


def _deadline(words: str, today: date) -> tuple[date | None, str] | None:
    """A deadline's date and words; None when the words are not one (or only recur)."""
    words = _DUE_TRAILING.sub("", words.strip()).strip()
    if not words:
        return None
    found = parse_deadline(words, today=today)
    if found.kind in ("unknown", "recurring"):
        return None
    if found.due is None and found.kind != "continuous":
        return None
    return found.due, words


def _asks_later(work: str, end: int) -> bool:
    """Whether ``work[:end]`` asks for a later deadline rather than telling one."""
    if _ASKS.search(work, 0, end):
        return True
    told = [(match.start(), match.end()) for match in _TOLD_LATER.finditer(work, 0, end)]
    return any(
        not any(low <= match.start() < high for low, high in told)
        for match in _LATER.finditer(work, 0, end)
    )


def _moved(words: str, today: date) -> tuple[date | None, str] | None:
    """完成时限2025年12月底改为2025年10月底: the date after the verb, when a date stands before."""
    for verb in _DUE_MOVED.finditer(words):
        old = re.sub(r"^\s*(?:由|从)", "", words[: verb.start()])
        if old.strip() and _deadline(old, today) is not None:
            return _deadline(words[verb.end() :], today)
    return None


def _by_due_cue(clause: str, pos: int, today: date) -> _Found | None:
    cues = [*_DUE_CUE.finditer(clause, pos)]
    cues += [cue for cue in _TIME_CUE.finditer(clause, pos) if _glue(clause[pos : cue.start()])]
    for match in sorted(cues, key=lambda cue: cue.start()):
        words = clause[match.end() :]
        read = _deadline(words, today) or _moved(words, today)
        if read is not None:
            due, text = read
            return _Found(match.start(), len(clause), (Edit("due", due=due, due_text=text),))
    return None


def _by_due_before(clause: str, pos: int, today: date) -> _Found | None:
    """6月底前完成: the longest words before 前完成 that read as a deadline."""
    for match in _DUE_BY.finditer(clause, pos):
        head = clause[pos : match.start()]
        for start in range(max(0, len(head) - LONGEST_DATE), len(head)):
            read = _deadline(head[start:] + "前", today)
            if read is None:
                continue
            # Words before the date are not the date's: 确保6月底前 is 6月底前, 预计 is a forecast.
            lead_in = _DATE_LEAD_IN.match(head[start:])
            if lead_in is not None and _deadline(head[start + lead_in.end() :] + "前", today):
                start += lead_in.end()
            due, text = _deadline(head[start:] + "前", today) or read
            return _Found(pos + start, match.end(), (Edit("due", due=due, due_text=text),))
    return None


def _by_target(clause: str, pos: int) -> _Found | None:
    """目标改为40场 (the amount, and any words after it, are the target's); or, the verb alone
    before an amount, 大篷车巡展改成30场 (the words before it say what is counted)."""
    match = _TARGET.search(clause, pos)
    if match is not None:
        quantities = read_quantities(clause[match.end() :])
        if quantities:
            end = match.end() + quantities[0].end
            edit = Edit("target", quantity=quantities[0])
            return _Found(match.start(), end, (edit,), True)
    for verb in _TARGET_BARE.finditer(clause, pos):
        if match is not None and verb.start() >= match.start():
            break
        quantities = read_quantities(clause[verb.end() :])
        if quantities and quantities[0].start == 0:
            end = verb.end() + quantities[0].end
            return _Found(
                _old_amount(clause, pos, verb.start()),
                end,
                (Edit("target", quantity=quantities[0]),),
                True,
            )
    return None


def _old_amount(clause: str, pos: int, at: int) -> int:
    """Where the old amount said before a target's verb begins (培训由2期改成3期), or ``at``."""
    for start in range(max(pos, at - LONGEST_AMOUNT), at):
        if clause[start] in "由从":
            quantities = read_quantities(clause[start + 1 : at])
            if len(quantities) == 1 and (quantities[0].start, quantities[0].end) == (
                0,
                at - start - 1,
            ):
                return start
    return at


# What a target counts, said before or after its amount (流动科技馆巡展, 院士工作站).
_THING = re.compile(rf"[{_HAN}《》“”\"]{{2,16}}")


def _a_thing(words: str) -> bool:
    bare = _strip_glue(words)
    return not bare or (
        _THING.fullmatch(bare) is not None
        and not _NOT_A_TOPIC.search(bare)
        and not _FIELD_WORDS.search(bare)
    )


def _next_change(
    clause: str, pos: int, known: _Known, today: date, cut_at: frozenset[int], dates: bool
) -> _Found | None:
    """The change that starts first in ``clause`` from ``pos`` (the longest, when several do)."""
    found = [_by_rule(rule, clause, pos, known, cut_at) for rule in _RULES]
    found.append(_by_target(clause, pos))
    if dates:
        found.append(_by_due_cue(clause, pos, today))
        found.append(_by_due_before(clause, pos, today))
    candidates = [item for item in found if item is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda item: (item.start, -item.end))


@dataclass(frozen=True)
class _Clause:
    edits: tuple[Edit, ...]
    before: str  # words before the first change in the clause
    lone: bool = False  # a date alone: a change only beside another
    named: bool = False  # ``before`` may say what the first change counts (展览目标改为5期)


def _read_clause(
    clause: str, known: _Known, today: date, cut_at: frozenset[int], dates: bool
) -> _Clause | None:
    """The changes in one clause, each followed only by glue; None when it says anything else."""
    if len(clause) > LONGEST_CLAUSE:
        return None
    edits: list[Edit] = []
    before = ""
    named = False
    pos = 0
    while True:
        found = _next_change(clause, pos, known, today, cut_at, dates)
        if found is None:
            break
        between = clause[pos : found.start]
        if edits and not _glue(between) and not (found.named and _a_thing(between)):
            return None
        if not edits:
            before, named = between, found.named
        edits.extend(found.edits)
        pos = found.end
    if not edits:
        if dates:
            read = _deadline(_strip_glue(clause), today)
            if read is not None:
                return _Clause((Edit("due", due=read[0], due_text=read[1]),), "", lone=True)
        return None
    rest = clause[pos:]
    if not _glue(rest) and not (edits[-1].field == "target" and _a_thing(rest)):
        read = _deadline(_strip_glue(rest), today) if dates else None
        if read is None:
            return None
        edits.append(Edit("due", due=read[0], due_text=read[1]))  # 李麟负责 学会部牵头 6月底前
    return _Clause(tuple(edits), before, named=named)


def _strip_glue(text: str) -> str:
    """``text`` without glue at either end."""
    return _TRAILING_GLUE.sub("", _LEADING_GLUE.sub("", text))


def _clauses(work: str, start: int, end: int, *, spaces: bool = False) -> list[tuple[int, int]]:
    """Clauses of ``work[start:end]``; a bracket that holds fields (（牵头单位：组宣部；…）) is one;
    with ``spaces``, a space between words ends one too."""
    stop_at = r"[,;。!?\n ]" if spaces else r"[,;。!?\n]"
    stops = {m.start() for m in re.finditer(stop_at, work[:end]) if m.start() >= start}
    for bracket in re.finditer(r"\(([^()]*)\)", work[:end]):
        if bracket.start() >= start and re.search(
            r":|牵头|负责|领导|时限|截止|配合|完成", bracket.group(1)
        ):
            stops.update((bracket.start(), bracket.end() - 1))
    spans, last = [], start
    for stop in [*sorted(stops), end]:
        if stop > last:
            spans.append((last, stop))
        last = stop + 1
    return spans


# --- reading a message -----------------------------------------------------------------------


def _merged(edits: list[Edit]) -> tuple[Edit, ...]:
    """One change per field and mode for names (增加王五…，增加赵六… is one list)."""
    out: list[Edit] = []
    for edit in edits:
        same = next(
            (
                i
                for i, seen in enumerate(out)
                if edit.names and seen.names and (seen.field, seen.mode) == (edit.field, edit.mode)
            ),
            None,
        )
        if same is None:
            out.append(edit)
        else:
            names = out[same].names + tuple(n for n in edit.names if n not in out[same].names)
            out[same] = replace(out[same], names=names)
    return tuple(out)


def _text_tail(text: _Text) -> tuple[int, Edit] | None:
    """Content or measures: from its cue to the message's end, words as written."""
    found: list[tuple[int, Edit]] = []
    for pattern, field in ((_CONTENT, "content"), (_MEASURES, "measures")):
        for match in pattern.finditer(text.work):
            words = text.source(match.end(), len(text.work)).strip()
            if not words or _QUESTION_START.match(text.work[match.end() :]):
                continue
            mode: EditMode = "add" if match.groupdict().get("add") else "set"
            found.append((match.start(), Edit(field, mode, text=words)))  # type: ignore[arg-type]
            break
    return min(found, key=lambda item: item[0]) if found else None


def _continues(edits: list[Edit], clause: str, known: _Known) -> bool:
    """A clause of names only, continuing the last change's list (牵头：组宣部，学会部)."""
    if not edits or not edits[-1].names:
        return False
    names = _read_names(_strip_glue(clause), known)
    if names is None:
        return False
    wanted: Kind = "person" if edits[-1].field == "leader" else "department"
    if any(kind != wanted for kind, _ in names):
        return False
    last = edits[-1]
    edits[-1] = replace(last, names=last.names + tuple(n for _, n in names if n not in last.names))
    return True


def _reason(text: _Text, start: int, end: int) -> str:
    words = text.source(start, end).strip()
    words = _BECAUSE.sub("", words)
    return re.sub(r"^(?:原因|理由|缘由)(?:是|为)?\s*[:：]?\s*", "", words).strip(" ,，。;；:：")


def scan_edits(
    text: str,
    *,
    today: date,
    leaders: Collection[str] = (),
    departments: Collection[str] = (),
) -> EditScan:
    """The changes ``text`` makes to a task, the task numbers it names and the words before the
    first change; no changes when any clause says something else."""
    prepared = _prepare(text)
    known = _known(leaders, departments)
    work = prepared.work
    consumed: list[tuple[int, int]] = []
    tail = _text_tail(prepared)
    end = len(work)
    if tail is not None:
        end = tail[0]
        consumed.append((end, len(work)))
    dates = not _asks_later(work, end)
    reason_cue = _REASON.search(work, 0, end)
    reason = ""
    if reason_cue is not None:
        reason = _reason(prepared, reason_cue.end(), end)
        consumed.append((reason_cue.start(), end))
        end = reason_cue.start()
    edits: list[Edit] = []
    topic = ""
    lone: list[Edit] = []
    pending_reason: tuple[int, int] | None = None
    cancelled = False
    spans = _clauses(work, 0, end)
    for index, (start, stop) in enumerate(spans):
        clause = work[start:stop]
        if cancelled:
            if not reason and not _CANCEL.fullmatch(_strip_glue(work[start : spans[-1][1]])):
                reason = _reason(prepared, start, spans[-1][1])
                consumed.append((start - 1, spans[-1][1]))
            break
        stop = start + _unchanged_from(clause, known)
        clause = work[start:stop]
        if not clause.strip() or _glue(clause):
            continue
        cut_at = frozenset(c - start for c in prepared.cuts if start <= c <= stop)
        read = _read_clause(clause, known, today, cut_at, dates)
        if read is not None and read.lone:
            lone.extend(read.edits)
            continue
        if read is not None:
            counted = read.named and (edits or topic) and _a_thing(read.before)
            if read.before and not _glue(read.before) and not counted:
                if edits or topic or _NOT_A_TOPIC.search(read.before):
                    return EditScan()
                topic = read.before
            edits.extend(read.edits)
            continue
        if _continues(edits, clause, known):
            continue
        cancel = _CANCEL.search(clause)
        if cancel is not None and not _NOT_CANCEL.search(clause) and not edits:
            words = _strip_glue(clause[: cancel.start()] + " " + clause[cancel.end() :])
            named = prepared.refs or _TASK_WORDS.search(clause)
            # With a number, other words name what else is cancelled (第3项的会议取消了).
            if words and (prepared.refs or topic or _NOT_A_TOPIC.search(words)):
                named = None
            if named and not _FIELD_WORDS.search(words):
                topic = topic or words
                edits.append(Edit("cancel"))
                cancelled = True
                if pending_reason is not None and not reason:
                    reason = _reason(prepared, *pending_reason)
                continue
            return EditScan()
        if _BECAUSE.match(clause.strip()) and pending_reason is None:
            # 因机构调整，…: a cancel's reason; beside other changes, said and not kept.
            pending_reason = (start, stop)
            consumed.append((start - 1, stop))
            continue
        first = not edits and not topic and index == 0 and not _NOT_A_TOPIC.search(clause)
        if first and (_TASK_WORDS.search(clause[-2:]) or prepared.refs):
            topic = clause.strip()  # 大篷车那项，…: the task, named before its changes
            continue
        return EditScan()
    if tail is not None:
        edits.append(tail[1])
    if edits:
        edits.extend(lone)
    if cancelled:
        edits = [replace(edit, text=reason) if edit.field == "cancel" else edit for edit in edits]
    outside = [
        (number, at)
        for number, at in prepared.refs
        if not any(low < at <= high for low, high in consumed)  # (a cue, its words]
    ]
    places = {next((i for i, (_, stop) in enumerate(spans) if at <= stop), -1) for _, at in outside}
    if len(places) > 1:
        return EditScan()  # 第3项由李麟负责，第4项由陈汉平负责: a change each, not one for both
    numbers = tuple(dict.fromkeys(number for number, _ in outside))
    return EditScan(_merged(edits), numbers, re.sub(r"^(?:把|将)|的$", "", topic.strip()))


def read_edits(
    text: str,
    *,
    today: date,
    leaders: Collection[str] = (),
    departments: Collection[str] = (),
) -> tuple[Edit, ...]:
    """The changes ``text`` makes to a task (第3项由李麟负责，6月底前完成), or none."""
    return scan_edits(text, today=today, leaders=leaders, departments=departments).edits


# --- a new task ------------------------------------------------------------------------------

_NEW_TASK = re.compile(
    r"^(?:嗯+|啊+|呃+|额+|那个|就是|然后|请|麻烦你?|帮我|帮忙|劳驾|给我|[,\s])*(?:在)?(?:台账|清单)?"
    r"(?:里|中|上)?\s*(?:再)?"
    r"(?:(?P<noun>(?:新增|增加|添加|新建|增补|补充|新加|加|补)(?:一个|一项|一条|一件|个|项|条)?(?:新的?)?"
    r"(?:重点)?(?:工作任务|任务|工作|事项)(?:一项|一个|一条|一件)?)"
    r"|(?:新增|增加|添加|增补|补充|新加|加|补)(?:一个|一项|一条|一件)|新任务|(?P<bare>新增))"
    r"(?:如下)?\s*(?P<colon>:)?\s*(?:[啊呀哈嗯]+|就是|那个|\s)*"
)
_NOT_A_NEW_TASK = re.compile(r"^(?:措施|举措|目标|内容|领导|责任|牵头|配合|了|的)")
# The task's words named as such (内容是…, 内容：…), wherever the clause stands.
_NEW_CONTENT = re.compile(r"(?:任务|工作|具体)?(?:内容|名称)(?:是|为)?\s*:?\s*")
# A verb alone after names typed apart (郑昌盛 陈汉平 负责): the names are its.
_BARE_HANDLE = re.compile(r"(?:来|共同|一起)*(?P<verb>具体负责|负责|分管|牵头|配合)")
_HANDLE_ROLE: dict[str, Role] = {"牵头": "lead", "配合": "responsible"}


class _NewFields:
    """A new task's leaders and departments as its clauses give them.

    Names said alone (办公室牵头 陈汉平, 市科技馆 李麟) are known names: they continue the list of
    the clause before when of its kind (配合单位组宣部 办公室), join the field of the clause after
    that opens with names of theirs (办公室 机关党委牵头) or a verb alone (郑昌盛 陈汉平 负责), and
    otherwise a person leads the task as its leader and a department as its lead.
    """

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {"leader": [], "lead": [], "responsible": []}
        self.pending: list[tuple[Kind, str]] = []
        self.last: str | None = None  # the field the clause before gave names to

    def add(self, field: str, names: Collection[str], *, first: bool = False) -> None:
        have = self.names[field]
        new = [name for name in names if name not in have]
        self.names[field] = [*new, *have] if first else [*have, *new]

    def alone(self, names: list[tuple[Kind, str]], known: _Known) -> bool:
        """Take names said alone; False when they are not all known names of one kind (a name
        only shaped like one, 建设社区科普馆, may be the task's words)."""
        kinds = {kind for kind, _ in names}
        known_names = known.leaders | set(known.departments.values())
        if len(kinds) != 1 or any(name not in known_names for _, name in names):
            return False
        kind = kinds.pop()
        if self.pending and self.pending[0][0] != kind:
            self.settle()
        if self.last is not None and (self.last == "leader") == (kind == "person"):
            self.add(self.last, [name for _, name in names])
            return True
        self.pending.extend(names)
        self.last = None
        return True

    def verb(self, clause: str) -> bool:
        """A verb alone (负责) after names said alone: the names are its."""
        match = _BARE_HANDLE.fullmatch(clause)
        if match is None or not self.pending:
            return False
        role = _HANDLE_ROLE.get(match.group("verb"), "generic")
        edits = _edits_for(self.pending, role, "set")
        if not edits:
            return False  # 李麟 配合: no field of a person's
        for edit in edits:
            self.add(edit.field, edit.names)
            self.last = edit.field
        self.pending = []
        return True

    def read(self, edits: tuple[Edit, ...], clause: str) -> None:
        """The fields a clause read as changes gives; names said alone before join the first
        when it opens with names of their kind (办公室 机关党委牵头)."""
        named = [edit for edit in edits if edit.names and edit.field in self.names]
        if self.pending and named:
            first = named[0]
            opening = canonical(_strip_glue(clause))
            if (first.field == "leader") == (self.pending[0][0] == "person") and any(
                opening.startswith(canonical(name)) for name in first.names
            ):
                self.add(first.field, [name for _, name in self.pending], first=True)
                self.pending = []
        self.settle()
        for edit in named:
            self.add(edit.field, edit.names)
        self.last = named[-1].field if named else None

    def settle(self) -> None:
        """Names said alone and claimed by no field: a person leads, a department leads."""
        for kind, name in self.pending:
            self.add("leader" if kind == "person" else "lead", [name])
        self.pending = []

    def other(self) -> None:
        """A clause of other words: names said alone before it are settled."""
        self.settle()
        self.last = None


def read_new_task(
    text: str,
    *,
    today: date,
    leaders: Collection[str] = (),
    departments: Collection[str] = (),
) -> NewTask | None:
    """The task ``text`` asks to add (新增任务：…，普及部牵头，李麟负责，9月底前), or None."""
    prepared = _prepare(text, gaps=True)
    work = prepared.work
    cue = _NEW_TASK.match(work)
    if cue is None or (prepared.refs and prepared.refs[0][1] < cue.end()):
        return None
    body = work[cue.end() :]
    if not body.strip():
        return None
    # 增加一项措施, 新增一项：目标…: a change said without its task; after 新增任务： the fields
    # may come first (牵头单位…, 内容是…).
    told = cue.group("noun") and (cue.group("colon") or _NEW_CONTENT.match(body))
    if _NOT_A_NEW_TASK.match(body) and not told:
        return None
    if cue.group("colon") is None and (
        cue.group("bare") or re.search(r"哪些|吗|\?|多少|几项|有没有", body)
    ):
        return None
    known = _known(leaders, departments)
    fields = _NewFields()
    content: list[str] = []
    due: tuple[date | None, str] | None = None
    measures = ""
    end = len(work)
    measures_cue = _MEASURES.search(work, cue.end())
    if measures_cue is not None:
        closing = re.search(r"[;)]", work[measures_cue.end() :])
        close = measures_cue.end() + closing.start() if closing else end
        measures = prepared.source(measures_cue.end(), close).strip()
        work = work[: measures_cue.start()] + " " * (close - measures_cue.start()) + work[close:]
    spaced = bool(re.search(rf"[{_HAN}] [{_HAN}]", work[cue.end() :]))
    for start, stop in _clauses(work, cue.end(), end, spaces=spaced):
        clause = work[start:stop]
        if not clause.strip() or _glue(clause):
            continue
        named = _NEW_CONTENT.match(clause, len(clause) - len(clause.lstrip()))
        if named is not None and named.end() < len(clause):
            fields.other()
            content.append(prepared.source(start + named.end(), stop).strip())
            continue
        cut_at = frozenset(c - start for c in prepared.cuts if start <= c <= stop)
        read = _read_clause(clause, known, today, cut_at, dates=True)
        if read is None:
            # Names alone, the brackets of 普及部（中心） kept.
            alone = _read_names(clause.strip(), known) or _read_names(_strip_glue(clause), known)
            if alone is not None and fields.alone(alone, known):
                continue
            if fields.verb(_strip_glue(clause)):
                continue
            fields.other()
            content.append(prepared.source(start, stop).strip())
            continue
        if read.before and not _glue(read.before):
            fields.other()
            content.append(prepared.source(start, start + len(read.before)).strip())
        fields.read(read.edits, clause[len(read.before) :])
        for edit in read.edits:
            if edit.field == "due":
                due = due or (edit.due, edit.due_text)
    fields.settle()
    words = "，".join(piece.strip(" ,，;；。") for piece in content if piece.strip(" ,，;；。"))
    return NewTask(
        content=words,
        leaders=tuple(fields.names["leader"]),
        lead=tuple(fields.names["lead"]),
        responsible=tuple(fields.names["responsible"]),
        due=due[0] if due else None,
        due_text=due[1] if due else "",
        measures=measures,
    )
