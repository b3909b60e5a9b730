"""What a person asks the bot in a private chat: plain Chinese -> an Intent.

``read_intent("本周到期", leaders=..., departments=...)`` is a pure function. Every rule is a
precompiled regex matched against the whole message once polite openings (请, 帮我查一下 …)
and closing particles (吗, 呢, ？) are cut off, so a progress report such as ``第5项办完了`` or
``大篷车已经跑了25场`` is never mistaken for a question; such messages come back ``unknown``
for the report parser. jieba is loaded only when a search needs its tokens.

Order of the rules, first match wins: commands (``/task 12``), help, a task number, then
(unless the message reads like a report or a request) overdue, due within a period, a known
leader or department, the person's own to-do list, and finally a search. Commands whose
argument is already known to be a period, a task number, a name or search words read it with
the same rules alone: read_period, read_task_number, read_name, search_terms.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from nlu.calendar import Period
from nlu.names import looks_like_department, normalise_department
from nlu.numbers import chinese_to_number

IntentKind = Literal[
    "todo", "due", "overdue", "task", "search", "department", "leader", "help", "unknown"
]


@dataclass(frozen=True)
class Intent:
    """A question to the bot; ``period`` is set for ``due``, ``number`` for ``task`` …"""

    kind: IntentKind
    period: Period | None = None
    number: str | None = None  # "12" for 第12项 / 12号任务 / 任务12 / /task 12
    terms: tuple[str, ...] = ()  # search tokens (jieba), stop words removed
    name: str | None = None  # the department or leader as known to the ledger


UNKNOWN = Intent("unknown")
HELP = Intent("help")
TODO = Intent("todo")
OVERDUE = Intent("overdue")

# --- normalising the message --------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_END = re.compile(r"(?:[\s?!.,~…。，、！？～]|吗|呢|啊|吧|呀|哈|嘛|啦|哦)+$")
_POLITE = re.compile(r"^(?:请问|请|麻烦你|麻烦|帮忙|帮我|给我|我想|我要|你好|您好|[,，\s])+")
# Verbs that ask to look something up; the strong ones say "search" outright.
_VERB = re.compile(
    r"^(?:(?P<strong>搜索|搜一搜|搜一下|搜|查找|找找|找一下|找)|"
    r"查看|查询|查查|查|看看|看|显示|列出|列|告诉我|说说)(?:一下)?\s*"
)
_COMMAND = re.compile(r"^/(\w+)(?:@\w+)?\s*(.*)$", re.DOTALL)

# --- the grammar ----------------------------------------------------------------------

_HELP = re.compile(
    r"^(?:help|帮助|帮忙|使用帮助|使用说明|说明|菜单|功能|指南|\?)$"
    r"|怎么用|如何使用|怎么使用|使用方法|用法|你(?:都|还)?(?:能|会|可以)(?:做|干)?(?:什么|啥|些什么)"
    r"|^(?:能|可以)(?:做|干)(?:什么|啥)|你是谁|有什么功能"
)

_ARABIC_NUMBER = r"\d+(?:\s*[-－—–]\s*\d+)?"
_NUMBER_TAIL = r"(?:的)?(?:情况|进展|进度|详情|内容|是什么|怎么样|是啥)?"

# A message that reports progress or asks for an extension is not a question for us.
_REPORT = re.compile(
    r"已经(?!逾期|超期|过期|到期)|已(?:完成|办结|办完|开展|举办|召开|落实|提交)"
    r"|(?:完成|办完|做完|办结|跑|开|办|举办)了|申请|延期|推迟|延长|顺延|汇报|上报|\d+\s*(?:场|次|期|人|万|家|所|篇|位|元)"
)

_OVERDUE = re.compile(
    r"逾期|超期|过期|拖期|误期|超时|过了(?:期限|截止|deadline)|到期(?:未|没)(?:完成|办)"
    r"|(?:没|未)按(?:时|期)"
)

_PERIODS: tuple[tuple[Period, str], ...] = (
    ("today", r"今天|今日|当天|本日"),
    ("this_week", r"本周|这周|这一周|这个?星期|本星期|这个?礼拜|本礼拜"),
    ("next_week", r"下周|下一周|下个?星期|下个?礼拜"),
    ("this_month", r"本月|这个?月|当月"),
    ("next_month", r"下个?月|下一个月"),
)
_PERIOD = re.compile("|".join(f"(?P<{name}>{words})" for name, words in _PERIODS))
_PERIOD_NAMES: dict[str, Period] = {name: name for name, _ in _PERIODS}
_DUE_CUE = re.compile(
    r"到期|截止|期限|完成|办完|做完|办结|要办|要做|要交|待办|任务|事项|工作|ddl|deadline"
)

# The body of "what is left to do", shared by 我还有什么没办 and 郑昌盛还有什么没办.
_UNDONE = r"(?:没|未|还没|尚未|没有)(?:办|做|完成|办完|做完|办结|处理)"
_THINGS = r"(?:任务|事情|事项|事|工作|待办)"
_WHICH = r"(?:什么|哪些|啥|多少|几[项个件条])"
_TODO_BODY = (
    r"(?:所有|全部)?的?(?:待办事项|待办任务|待办工作|待办|任务清单|任务列表|任务|工作|事项)"
    r"(?:清单|列表)?(?:有哪些|有什么|是什么|有多少)?"
    rf"|(?:还)?有{_WHICH}{_THINGS}?{_UNDONE}的?{_THINGS}?"
    rf"|(?:还)?有{_WHICH}{_THINGS}(?:要办|要做|要完成|没办|没做|没完成)?"
    rf"|{_UNDONE}的?{_THINGS}?(?:有哪些|有什么)?"
    rf"|{_WHICH}{_THINGS}?(?:还)?{_UNDONE}"
)
_TODO = re.compile(rf"(?:我|我的)?(?:{_TODO_BODY})|todo")
# What may stand around a leader's or department's name: 郑昌盛主席分管的任务, 学会部有哪些任务.
_NAME_REST = re.compile(
    r"(?:同志|领导|主席|副主席|书记|部长|主任|秘书长)?(?:负责|牵头|分管|名下|那边)?的?"
    rf"(?:{_TODO_BODY})?"
)
# Where a name ends and the question starts, for names not spelled as the ledger has them.
_NAME_HEAD = re.compile(
    r"^(?P<head>.{2,20}?)(?=的|还|有哪些|有什么|负责|牵头|分管|名下|那边|任务|待办|$)"
)
_HAN_NAME = re.compile(r"[\u4e00-\u9fff·]{3,4}")

_SEARCH_CUE = re.compile(r"关于|有关|相关|那个|那项|那条|那件|这个|这项|任务|事项")
_STOP_WORDS = frozenset(
    re.split(
        r"\s+",
        """
        那个 那项 那条 那件 这个 这项 任务 事项 工作 的 关于 有关 相关 查 查查 查找 查询 查看
        搜索 搜 找 一下 帮我 帮忙 请 我 我的 看 看看 情况 进展 进度 吗 呢 了 是 什么 哪些 有
        和 与 及 在 给 麻烦 显示 列出 那 这 项 条 个 件 一个 内容 详情
        """.strip(),
    )
)
_WORD = re.compile(r"^\w+$")
_MAX_TERMS = 8


def _compile_task_number() -> re.Pattern[str]:
    # Each alternative names its number group n0, n1 …: Python refuses a repeated group name.
    parts = (
        rf"第\s*{{n}}\s*(?:项|条|个|号|件)?(?:任务|工作|事项)?{_NUMBER_TAIL}",
        rf"{{n}}\s*号\s*(?:任务|工作|事项){_NUMBER_TAIL}",
        rf"(?:任务|事项)\s*(?:编号|第|号|#)?\s*{{n}}\s*(?:号|项)?{_NUMBER_TAIL}",
        r"#?\s*{a}",
    )
    number = r"(?P<n{i}>" + _ARABIC_NUMBER + r"|[零〇一二两三四五六七八九十百]+)"
    arabic = r"(?P<n{i}>" + _ARABIC_NUMBER + ")"
    alternatives = [
        part.replace("{n}", number.format(i=i)).replace("{a}", arabic.format(i=i))
        for i, part in enumerate(parts)
    ]
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives))


_TASK_NUMBER = _compile_task_number()


def _normalise(text: str) -> str:
    """Full-width to half-width, one space at most, no closing particles or punctuation."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = _SPACES.sub(" ", text)
    return _END.sub("", text)


def _question(normal: str) -> tuple[str, re.Match[str] | None]:
    """A normalised message without polite openings or a look-up verb, and that verb."""
    core = _POLITE.sub("", normal)
    verb = _VERB.match(core)
    if verb is not None:
        core = _END.sub("", core[verb.end() :])
    return core, verb


def _period_in(text: str) -> Period | None:
    match = _PERIOD.search(text)
    return _PERIOD_NAMES[match.lastgroup or ""] if match is not None else None


def read_period(text: str) -> Period | None:
    """The period ``text`` names (今天, 本周, 下周, 这个月, 下个月 …), or None."""
    return _period_in(_normalise(text))


def _task_number(match: re.Match[str]) -> str | None:
    """The number a task-number match names, Arabic and normalised: 十二 -> 12, 8－10 -> 8-10."""
    raw = next(value for value in match.groupdict().values() if value is not None)
    parts = re.split(r"\s*[-－—–]\s*", raw)
    numbers: list[int] = []
    for part in parts:
        value = int(part) if part.isdigit() else chinese_to_number(part)
        if value is None or value != int(value) or value <= 0:
            return None
        numbers.append(int(value))
    return "-".join(str(number) for number in numbers)


def _task_number_in(core: str) -> str | None:
    match = _TASK_NUMBER.fullmatch(core)
    return _task_number(match) if match is not None else None


def read_task_number(text: str) -> str | None:
    """The task ``text`` names by number (12, 第十二项, 任务 8－10), as "12" or "8-10"; or None."""
    return _task_number_in(_normalise(text))


# --- known names --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """Known leader and department names, precompiled for one name set."""

    leaders: tuple[str, ...]
    pattern: re.Pattern[str] | None  # any known name, longest first
    kind_of: dict[str, tuple[IntentKind, str]]  # matched text -> (kind, name as in the ledger)
    departments: dict[str, str]  # normalised -> as in the ledger


@lru_cache(maxsize=16)
def _names(leaders: frozenset[str], departments: frozenset[str]) -> _Names:
    kind_of: dict[str, tuple[IntentKind, str]] = {}
    normal_departments = {normalise_department(name): name for name in departments if name}
    for normal, name in normal_departments.items():
        kind_of[normal] = ("department", name)
    for name in leaders:
        if name:
            kind_of[normalise_department(name)] = ("leader", name)  # a leader wins a tie
    words = sorted(kind_of, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, words))) if words else None
    return _Names(tuple(sorted(leaders)), pattern, kind_of, normal_departments)


def _fuzzy_leader(head: str, leaders: tuple[str, ...]) -> str | None:
    """The one leader whose name is ``head`` with one character wrong (郑昌胜 -> 郑昌盛)."""
    from rapidfuzz.distance import Levenshtein

    # One substituted character, same length; only for names of three or more characters,
    # since one wrong character is half of a two-character name.
    found = [
        name
        for name in leaders
        if len(name) == len(head) and Levenshtein.distance(head, name, score_cutoff=1) == 1
    ]
    return found[0] if len(found) == 1 else None


def _read_name(core: str, names: _Names) -> Intent | None:
    """A leader's or a department's tasks, when the rest of the message is only the question."""
    text = normalise_department(core)
    if names.pattern is not None:
        match = names.pattern.search(text)
        if match is not None:
            rest = text[: match.start()] + text[match.end() :]
            if _NAME_REST.fullmatch(rest):
                kind, name = names.kind_of[match.group()]
                return Intent(kind, name=name)
            return None
    head_match = _NAME_HEAD.match(text)
    if head_match is None or not _NAME_REST.fullmatch(text[head_match.end() :]):
        return None
    head = head_match.group("head")
    if looks_like_department(head):
        found = [name for normal, name in names.departments.items() if head in normal]
        if len(found) == 1:
            return Intent("department", name=found[0])
    if names.leaders and _HAN_NAME.fullmatch(head):
        leader = _fuzzy_leader(head, names.leaders)
        if leader is not None:
            return Intent("leader", name=leader)
    return None


def read_name(
    text: str, *, leaders: Collection[str] = (), departments: Collection[str] = ()
) -> Intent | None:
    """The leader's or department's tasks ``text`` asks for (学会部, 郑昌盛的任务), or None.

    ``leaders`` and ``departments`` are the names the ledger knows; the Intent carries the
    name as the ledger spells it.
    """
    core, _verb = _question(_normalise(text))
    if not core:
        return None
    return _read_name(core, _names(frozenset(leaders), frozenset(departments)))


# --- search terms (jieba) -------------------------------------------------------------------


# Words rarer than this in jieba's dictionary are left out. A question about the ledger uses
# everyday words and the ledger's own names (taught below); the whole dictionary (349k words)
# costs about 60 MB and a second to load, the 67k kept cost about 10 MB and a third of that.
_MIN_WORD_FREQUENCY = 30


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """A jieba tokenizer on the common part of jieba's own dictionary, built once."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    with tokenizer.get_dict_file() as source:
        kept = [line for line in source if int(line.split(b" ", 2)[1]) >= _MIN_WORD_FREQUENCY]
    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(io.BytesIO(b"".join(kept)))
    tokenizer.initialized = True
    return tokenizer


@lru_cache(maxsize=16)
def _teach_jieba(words: frozenset[str]) -> None:
    """Add the ledger's names to the tokenizer's dictionary, once per name set."""
    tokenizer = _jieba()
    for word in words:
        tokenizer.add_word(word)


def _search_terms(core: str, words: frozenset[str]) -> tuple[str, ...]:
    """jieba's tokens of ``core`` worth searching for: no stop words, punctuation or repeats."""
    tokenizer = _jieba()
    if words:
        _teach_jieba(words)
    terms: list[str] = []
    for token in tokenizer.lcut(core):
        token = token.strip()
        if token and _WORD.match(token) and token not in _STOP_WORDS and token not in terms:
            terms.append(token)
    # One character matches half the ledger; keep it only when it is all there is.
    longer = [term for term in terms if len(term) > 1]
    return tuple((longer or terms)[:_MAX_TERMS])


def search_terms(text: str, words: Collection[str] = ()) -> tuple[str, ...]:
    """The words of ``text`` worth searching the ledger for; ``words`` stay whole (its names)."""
    return _search_terms(_normalise(text), frozenset(words))


# --- the reader -----------------------------------------------------------------------------


def _command(name: str, argument: str, words: frozenset[str]) -> Intent:
    """A slash command; ``/due`` without a period means this week."""
    if name in ("help", "start"):
        return HELP
    if name in ("todo", "my", "mine"):
        return TODO
    if name == "overdue":
        return OVERDUE
    if name == "task":
        number = _task_number_in(argument)
        return Intent("task", number=number) if number else UNKNOWN
    if name in ("due", "week"):
        return Intent("due", period=_period_in(argument) or "this_week")
    if name == "search":
        terms = _search_terms(argument, words) if argument else ()
        return Intent("search", terms=terms) if terms else UNKNOWN
    return UNKNOWN


def read_intent(
    text: str, *, leaders: Collection[str] = (), departments: Collection[str] = ()
) -> Intent:
    """What ``text`` asks for; ``leaders`` and ``departments`` are the names the ledger knows."""
    normal = _normalise(text)
    if not normal:
        return UNKNOWN
    leader_set = frozenset(leaders)
    department_set = frozenset(departments)
    command = _COMMAND.match(normal)
    if command is not None:
        argument = _normalise(command.group(2))
        return _command(command.group(1), argument, leader_set | department_set)
    if _HELP.search(normal):
        return HELP
    core, verb = _question(normal)
    strong_verb = verb is not None and verb.group("strong") is not None
    if not core:
        return UNKNOWN
    number = _task_number_in(core)
    if number is not None:
        return Intent("task", number=number)
    if not strong_verb and _REPORT.search(core):
        return UNKNOWN
    if _OVERDUE.search(core):
        return OVERDUE
    period = _period_in(core)
    if period is not None and _DUE_CUE.search(core):
        return Intent("due", period=period)
    named = _read_name(core, _names(leader_set, department_set))
    if named is not None:
        return named
    if _TODO.fullmatch(core):
        return TODO
    if verb is not None or _SEARCH_CUE.search(core):
        terms = _search_terms(core, leader_set | department_set)
        if terms:
            return Intent("search", terms=terms)
    return UNKNOWN
