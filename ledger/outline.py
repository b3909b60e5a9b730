"""Documents written as numbered paragraphs (工作要点, 总结暨思路, 通知) -> a DraftPlan.

How a document is read:

- **Title.** Before the first numbered point, the first line that names a plan (要点, 计划,
  方案, 清单, 思路, 安排, 任务, …) or a report (总结) is the title; else the 《…》 of a
  ``关于印发《…》的通知`` line; else a ``关于…的通知`` line. Everything up to the title (the
  covering notice, the document number) is skipped. The title says what kind of document
  it is: a plan, a report of past work, or a notice.
- **Paragraphs.** Lines broken mid-sentence (PDF pages, hard wraps) are joined; markdown marks,
  page numbers, dates, document numbers and signatures are dropped; reading stops at 抄送.
- **Points.** A paragraph starting with 一、 （一） 1. 1、 （1） 第一， 1） ① is a numbered
  point. 一、 > （一） > 1. > （1） have fixed levels, so levels a document skips cost nothing;
  第一， 1） ① nest under the point they first appear in. Unnumbered paragraphs belong to the
  point above them.
- **Tasks.** The deepest points (those without numbered points under them) are the tasks; the
  outermost heading above a task is its category, a heading between them its focus, else the
  task's own lead title ("强化政治意识。推动……" -> 强化政治意识).
- **Past and future.** A short top-level heading such as 2024年工作总结 / 2025年工作思路 /
  下一步工作打算 marks a section; a year earlier than the title's latest year is past. When a
  document has a past part (or its title is a 总结), only what follows its first future
  section is imported. Preambles (总体要求, 指导思想) are never tasks.
- **Notices.** In a notice, the Chinese-numbered parts (一、 （一）) are its argument, not
  tasks: only Arabic-numbered points (1. （1）) that ask for an action are tasks, and the plan
  warns that the document is a notice.
- **Names and dates.** A trailing ``（责任领导：…；牵头单位：…；完成时限：…）`` fills the
  task's fields and leaves its content; a heading such as ``一、张三副区长牵头`` names the
  leaders of every task under it. Nothing is invented: what is not written stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ledger.draft import N_, DraftPlan, DraftTask, Where
from ledger.names import looks_like_person, split_departments, split_people, strip_title
from nlu.names import looks_like_department

Lines = Sequence[tuple[Where, str]]

# --- markers -------------------------------------------------------------------------------

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "[一二三四五六七八九十]{1,3}"
_AR = "[0-9０-９]{1,2}"
_MARKER = re.compile(
    rf"""^(?:
        (?P<cn>{_CN})\s*[、.．]
      | [（(]\s*(?P<cnp>{_CN})\s*[)）]
      | 第(?P<cno>{_CN})\s*[，,、：:]
      | (?P<ar>{_AR})\s*(?:[、．]|\.(?![0-9]))  # not 1.5
      | [（(]\s*(?P<arp>{_AR})\s*[)）]
      | (?P<arr>{_AR})\s*[)）]
      | (?P<pc>[⑴-⒇])
      | (?P<circ>[①-⑳])
    )\s*""",
    re.VERBOSE,
)
# Levels as official documents nest them (GB/T 9704): 一、 > （一） > 1. > （1）. The others
# (第一， 1） ①) have no fixed level: they nest under whatever point they first appear in.
_RANKS = {"cn": 0.0, "cnp": 1.0, "ar": 2.0, "arp": 3.0, "pc": 3.0}
_SECTION_RANK = -1.0  # an unnumbered section heading such as 2025年工作思路


@dataclass(frozen=True)
class _Marker:
    kind: str  # the group name in _MARKER
    ordinal: int
    label: str  # as written: "二、", "（三）"
    end: int  # where the point's text starts


def _cn_int(text: str) -> int:
    """一..九十九 as an int (十 = 10, 十二 = 12, 二十 = 20)."""
    if "十" not in text:
        return _CN_DIGITS.get(text[-1], 0)
    tens, _, ones = text.partition("十")
    return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)


def _marker(text: str) -> _Marker | None:
    """The numbering that opens ``text``, if any."""
    match = _MARKER.match(text)
    if match is None:
        return None
    kind = match.lastgroup or ""
    raw = match.group(kind)
    if kind in ("cn", "cnp", "cno"):
        ordinal = _cn_int(raw)
    elif kind == "pc":
        ordinal = ord(raw) - ord("⑴") + 1
    elif kind == "circ":
        ordinal = ord(raw) - ord("①") + 1
    else:
        ordinal = int(raw.translate(_FULLWIDTH_DIGITS))
    return _Marker(kind, ordinal, match.group(0).strip(), match.end())


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# --- cleaning ------------------------------------------------------------------------------

_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")
_MARKUP = re.compile(r"\*\*|__|<[^>]{1,40}>|^\s*>\s*")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_HAN = "\u4e00-\u9fff"
_PUNCT = "，。、；：！？（）《》“”‘’,;:!?()"
# PDF text puts spaces around digits and at line breaks (2024 年, 工  作); a space between two
# Han words is kept because slogans use it (“墨韵颂党恩 廉洁守初心”).
_SPACE_AFTER = re.compile(rf"(?<=[0-9A-Za-z{_PUNCT}]) (?=[{_HAN}{_PUNCT}])")
_SPACE_BEFORE = re.compile(rf"(?<=[{_HAN}{_PUNCT}]) (?=[0-9A-Za-z{_PUNCT}])")
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}]) (?=[{_HAN}])")


def _clean(raw: str) -> tuple[str, bool]:
    """The line without markdown or stray spaces, and whether it was a markdown heading."""
    heading = bool(_MD_HEADING.match(raw))
    text = _SPACES.sub(" ", _MARKUP.sub("", _MD_HEADING.sub("", raw))).strip()
    return _SPACE_BEFORE.sub("", _SPACE_AFTER.sub("", text)), heading


def _tight(text: str) -> str:
    """A title as one phrase: its spaces are where the printed title wrapped."""
    return _SPACE_BETWEEN_HAN.sub("", text).strip()


# --- lines that are not content ------------------------------------------------------------

_CN_OR_DIGIT = "[0-9〇零一二三四五六七八九十]"
_NOISE = re.compile(
    rf"""^(?:
        [-—–\s]*\d{{1,3}}[-—–\s]*                                     # page number
      | .{{0,20}}[〔\[［(（]\d{{4}}[〕\]］)）]\s*第?\d+\s*号               # document number
      | {_CN_OR_DIGIT}{{4}}\s*年{_CN_OR_DIGIT}{{1,3}}\s*月{_CN_OR_DIGIT}{{1,3}}\s*日
        (?:\s*(?:印发|发布|印))?                                      # date of issue
      | 附\s*件\s*[:：]?.{{0,40}}                                      # attachment list
    )$""",
    re.VERBOSE,
)
_FOOTER = re.compile(r"^(?:抄\s*送|抄\s*报|主\s*题\s*词|分\s*送)\s*[:：]")
_ISSUE_YEAR = re.compile(
    r"[〔\[［]((?:19|20)\d{2})[〕\]］]|((?:19|20)\d{2})年\d{1,2}月\d{1,2}日\s*印发"
)

# --- sentences -----------------------------------------------------------------------------

_TERMINAL = "。！？!?；;：:…"
_PUNCTUATION = re.compile(r"[，。、；：！？,.;:!?《》]")
_CLOSERS = "”’」』》】"
_END_MARKS = "。.；;：: "
_INNER_STOPS = re.compile(r"[。！？!?；;]")
_BRACKETED = re.compile(r"[（(][^（）()]*[)）]")


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence, so the next line starts a new paragraph."""
    stripped = text.rstrip(_CLOSERS)
    return not stripped or stripped[-1] in _TERMINAL


def _heading_like(text: str) -> bool:
    """A title rather than a sentence: no full stop inside, no dangling comma at the end."""
    bare = _BRACKETED.sub("", _BRACKETED.sub("", text)).strip()
    return bool(bare) and not _INNER_STOPS.search(bare) and bare[-1] not in "，,、：:"


def _join(left: str, right: str) -> str:
    """Two pieces of one sentence broken across lines; Chinese needs no space between them."""
    if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def _lead(text: str) -> str | None:
    """The short lead title of a point written ``强化政治意识。推动……``, if it has one."""
    match = re.match(r"([^。！？!?]{2,30})[。！？!?]", text)
    if match is None or not text[match.end() :].strip():
        return None
    return match.group(1).strip()


# --- fields: （责任领导：张三；牵头单位：区发改局；完成时限：6月底前） ----------------------------

_LEADER_LABELS = "责任领导|分管领导|牵头领导|联系领导|包保领导|督办领导|分管负责人|责任人|负责人"
_LEAD_LABELS = "牵头单位|牵头部门|牵头部室|牵头科室|主责单位|主办单位"
_RESPONSIBLE_LABELS = (
    "责任单位|责任部门|责任部室|责任科室|配合单位|配合部门|配合部室|协办单位|参与单位|协助单位"
)
_DUE_LABELS = "完成时限|完成时间|完成期限|时间节点|截止时间|时限要求|时间要求|时限"
_LABEL = re.compile(
    rf"(?P<leaders>{_LEADER_LABELS})|(?P<lead>{_LEAD_LABELS})"
    rf"|(?P<responsible>{_RESPONSIBLE_LABELS})|(?P<due>{_DUE_LABELS})"
)
_FIELD = re.compile(rf"(?:{_LABEL.pattern})\s*[:：]")
_OPEN_FIELDS = re.compile(rf"[（(]\s*(?=(?:{_LABEL.pattern})\s*[:：])")
_TRAILING_FIELDS = re.compile(rf"(?:^|(?<=[。；;，,\s]))(?=(?:{_LABEL.pattern})\s*[:：])")
_VALUE_TRIM = " ；;，,。.、"


@dataclass
class _Fields:
    leaders: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    due: str | None = None

    def update(self, other: _Fields) -> None:
        """Fill what is still empty from ``other`` (a heading above the task)."""
        self.leaders = self.leaders or other.leaders
        self.lead = self.lead or other.lead
        self.responsible = self.responsible or other.responsible
        self.due = self.due or other.due


def _read_fields(inner: str, into: _Fields) -> bool:
    """Fill ``into`` from ``责任领导：张三；…``; False when a leader is named but not readable."""
    matches = list(_FIELD.finditer(inner))
    readable = True
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(inner)
        value = inner[match.end() : end].strip(_VALUE_TRIM)
        if not value:
            continue
        kind = match.lastgroup
        if kind == "leaders":
            people = _people(value)
            readable = readable and bool(people)
            into.leaders = into.leaders or people
        elif kind == "lead":
            into.lead = into.lead or split_departments(value)
        elif kind == "responsible":
            into.responsible = into.responsible or split_departments(value)
        else:
            into.due = into.due or value
    return readable


def _closing(text: str, start: int) -> int:
    """Index just past the bracket closing the one opened at ``start`` (or the text's end)."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] in "（(":
            depth += 1
        elif text[index] in ")）":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _take_fields(text: str, into: _Fields) -> str:
    """Move bracketed or trailing field lists out of ``text`` into ``into``; the rest."""
    position = 0
    while match := _OPEN_FIELDS.search(text, position):
        end = _closing(text, match.start())
        if _read_fields(text[match.end() : end].rstrip("）)"), into):
            text = text[: match.start()] + text[end:]
            position = match.start()
        else:  # keep what could not be read (责任领导：分管副局长) where a person can see it
            position = end
    match = _TRAILING_FIELDS.search(text, position)
    if match and _read_fields(text[match.start() :], into):
        text = text[: match.start()]
    return text.strip().rstrip("；;，,") if text.strip() else ""


# Words that are never part of a personal name, though names.looks_like_person lets them
# through (主要领导, 分管副局长 -> 分管, 全体党员, 局长).
_NOT_A_NAME = re.compile(
    r"领导|主要|分管|全体|班子|干部|成员|党员|各|们|局长|区长|市长|县长|书记|主任"
)


def _people(text: str) -> list[str]:
    """Leaders named in a field value; a role (分管副局长) names nobody."""
    return [name for name in split_people(text) if not _NOT_A_NAME.search(name)]


# A heading that names who leads everything under it: 一、张三副区长牵头重点工作.
_HEADING_LEADERS = re.compile(
    r"^([\u4e00-\u9fff·、，,\s]{2,24}?)(?:牵头|负责|分管|领衔|主抓|挂帅|抓总)"
)


def _heading_leaders(text: str) -> list[str]:
    """The leaders a heading puts in charge; none unless every name before 牵头 is a person."""
    match = _HEADING_LEADERS.match(text)
    if match is None:
        return []
    tokens = [token for token in re.split(r"[、，,\s]+", match.group(1)) if token]
    names = [strip_title(token) for token in tokens if looks_like_person(token)]
    if not tokens or len(names) < len(tokens) or any(_NOT_A_NAME.search(n) for n in names):
        return []
    return list(dict.fromkeys(names))


# --- title and kind ------------------------------------------------------------------------

_PLAN_WORDS = re.compile(
    r"要点|计划|方案|清单|思路|安排|打算|任务|措施|举措|台账|分解|规划|分工|目标|责任书"
)
_REPORT_WORDS = re.compile(r"总结|汇报|报告")
_NOTICE_END = re.compile(r"(?:通知|通报|意见|决定|函|讲话|公告|倡议书?)$")
_WRAPPER = re.compile(r"印发.{0,10}?《(?P<inner>[^》]+)》")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")


@dataclass(frozen=True)
class _Title:
    text: str
    kind: str  # plan | report | notice
    index: int  # the line it is on


def _kind(text: str) -> str:
    """plan, report or notice, from the words of a title."""
    if _PLAN_WORDS.search(text):
        return "plan"
    if _REPORT_WORDS.search(text):
        return "report"
    return "notice" if _NOTICE_END.search(text) else "plan"


def _find_title(lines: Sequence[str]) -> _Title | None:
    """The document's own title among the lines before its first numbered point."""
    wrapper: _Title | None = None
    notice: _Title | None = None
    for index, text in enumerate(lines[:80]):
        if _marker(text) is not None:
            break
        if not 2 <= len(text) <= 100 or "\t" in text or re.search(r"[。！？；;：:]", text):
            continue
        inner = _WRAPPER.search(text)
        if inner is not None:
            if wrapper is None and (
                _PLAN_WORDS.search(inner["inner"]) or _REPORT_WORDS.search(inner["inner"])
            ):
                wrapper = _Title(_tight(inner["inner"]), _kind(inner["inner"]), index)
        elif (
            "《" not in text
            and (_PLAN_WORDS.search(text) or _REPORT_WORDS.search(text))
            and not looks_like_department(text)  # a sender such as 目标管理办公室
        ):
            text = _tight(_title_start(lines, index) + text)
            if len(text) >= 4:
                return _Title(text, _kind(text), index)
        if notice is None and _NOTICE_END.search(text) and "关于" in text:
            notice = _Title(_tight(text), _kind(_tight(text)), index)
    return wrapper or notice


def _title_start(lines: Sequence[str], index: int) -> str:
    """The line before a title that wraps onto two: 2025年省科协科技社团 / 党建工作要点."""
    for text in reversed(lines[max(0, index - 2) : index]):
        if text:
            wraps = (
                len(text) <= 30
                and not _PUNCTUATION.search(text)
                and not _NOISE.match(text)
                and not text.endswith("文件")
                and not looks_like_department(text)
                and _marker(text) is None
            )
            return text if wraps else ""
    return ""


def _years(text: str) -> list[int]:
    """Years named in ``text``: 2025年, 二〇二五年."""
    years = [int(year) for year in _YEAR.findall(text)]
    for spelled in _CN_YEAR.findall(text):
        years.append(
            int("".join(str("〇一二三四五六七八九".index(c)) for c in spelled.replace("零", "〇")))
        )
    return years


# --- sections: past, future, preamble ------------------------------------------------------

_YEAR_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})年度?的?")
_FUTURE = re.compile(
    r"思路|计划|打算|安排|下一步|下步|下阶段|今后|明年|来年|重点任务|主要任务|工作任务|目标任务"
    r"|工作重点|重点工作|设想|展望"
)
_PAST = re.compile(
    r"总结|回顾|完成情况|开展情况|进展情况|工作情况|主要成效|工作成效|取得的成效|主要做法"
    r"|存在的?问题|问题和不足|不足之处|基本情况"
)
_PREAMBLE = re.compile(r"总体要求|指导思想|基本原则|总体思路|工作原则")


def _section(text: str, years: Sequence[int]) -> str | None:
    """past / future / preamble for a short heading naming a part of the document, else None."""
    if not _heading_like(text):
        return None
    bare = text.rstrip("。.：:；; ")
    prefix = _YEAR_PREFIX.match(bare)
    rest = bare[prefix.end() :] if prefix else bare
    if len(rest) > 14 or _heading_leaders(bare):
        return None
    if _PREAMBLE.fullmatch(rest):
        return "preamble"
    if prefix and len(set(years)) >= 2:
        # 总结暨思路: the title names two years; the earlier one is the year being reported on.
        return "past" if _years(prefix.group(0))[0] < max(years) else "future"
    if _FUTURE.search(rest):
        return "future"
    return "past" if _PAST.search(rest) else None


# --- paragraphs ----------------------------------------------------------------------------


@dataclass
class _Unit:
    """A paragraph: the opening of a numbered point or an unnumbered paragraph, lines joined."""

    where: Where
    text: str
    marker: _Marker | None = None
    closed: bool = False  # a heading or field line: the next line starts a new paragraph
    section: str | None = None  # an unnumbered section heading (2025年工作思路)


def _signature(text: str) -> bool:
    """A sender's name under the text (福建省科学技术协会办公室)."""
    return len(text) <= 30 and not _PUNCTUATION.search(text) and looks_like_department(text)


def _signed_at(lines: Sequence[tuple[Where, str, bool]]) -> set[int]:
    """Lines that are a sender's name: followed by a date, the 抄送 footer or the end."""
    signed: set[int] = set()
    following = ""  # the next non-empty line
    for index in range(len(lines) - 1, -1, -1):
        text = lines[index][1]
        if not text:
            continue
        if _signature(text) and (
            not following or _NOISE.match(following) or _FOOTER.match(following)
        ):
            signed.add(index)
        following = text
    return signed


def _paragraphs(lines: Sequence[tuple[Where, str, bool]], years: Sequence[int]) -> list[_Unit]:
    """The document's paragraphs from its cleaned lines, up to the 抄送 footer."""
    units: list[_Unit] = []
    signed = _signed_at(lines)
    for index, (where, text, md_heading) in enumerate(lines):
        if not text or _NOISE.match(text):
            continue
        if _FOOTER.match(text):
            break
        marker = _marker(text)
        fields_line = marker is None and _FIELD.match(text) is not None
        section = _section(text, years) if marker is None and not fields_line else None
        last = units[-1] if units else None
        if (
            marker is None
            and section is None
            and not fields_line
            and last is not None
            and not last.closed
            and (not last.text or not _ends_sentence(last.text))
        ):
            was_empty = not last.text
            last.text = _join(last.text, text)
            if was_empty and last.marker is not None:  # the marker stood alone on its line
                last.closed = _heading_like(last.text)
            continue
        if index in signed:
            continue
        body = text[marker.end :] if marker else text
        closed = md_heading or fields_line or section is not None
        if marker is not None:
            closed = closed or _heading_like(body)
        units.append(_Unit(where, body, marker, closed, section))
    return units


# --- the outline -------------------------------------------------------------------------


@dataclass
class _Node:
    """A numbered point (or unnumbered section heading) and the paragraphs under it."""

    unit: _Unit
    index: int  # of its paragraph, for "after the future section"
    rank: float
    parent: _Node | None
    section: str | None
    head: str = ""
    body: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    fields: _Fields = field(default_factory=_Fields)

    @property
    def content(self) -> str:
        """The point's whole text: its opening paragraph and those under it."""
        return "\n".join(part for part in (self.head, *self.body) if part)

    @property
    def title(self) -> str | None:
        """What the point is called: its heading line, or the lead of its first sentence."""
        if self.head and _heading_like(self.head):
            return self.head.rstrip(_END_MARKS)
        lead = _lead(self.content)
        if lead is not None:
            return lead
        single = self.head.rstrip(_END_MARKS)  # a point that is one short sentence
        return single if len(single) <= 30 and not _INNER_STOPS.search(single) else None

    def chain(self, *, sections: bool = False) -> list[_Node]:
        """Its numbered ancestors, outermost first; section headings only if asked for."""
        chain: list[_Node] = []
        node = self.parent
        while node is not None:
            if node.unit.marker is not None and (sections or node.section is None):
                chain.insert(0, node)
            node = node.parent
        return chain

    def effective_section(self) -> str | None:
        """The section (past, future, preamble) the point is in, if any."""
        node: _Node | None = self
        while node is not None:
            if node.section is not None:
                return node.section
            node = node.parent
        return None


def _rank(marker: _Marker | None, stack: Sequence[_Node]) -> float:
    """The level of a new point: fixed for the standard markers, else by where it appears."""
    if marker is None:
        return _SECTION_RANK
    if marker.kind in _RANKS:
        return _RANKS[marker.kind]
    for node in reversed(stack):
        if node.unit.marker is not None and node.unit.marker.kind == marker.kind:
            return node.rank
    return stack[-1].rank + 0.5 if stack else 0.0


def _outline(units: Sequence[_Unit], years: Sequence[int]) -> list[_Node]:
    """The points as a tree (each node knows its parent), in document order."""
    nodes: list[_Node] = []
    stack: list[_Node] = []
    for index, unit in enumerate(units):
        if unit.marker is None and unit.section is None:
            if stack:
                stack[-1].body.append(unit.text)
            continue  # text before the first point: the preamble
        rank = _rank(unit.marker, stack)
        while stack and stack[-1].rank >= rank:
            stack.pop()
        parent = stack[-1] if stack else None
        # Past and future are parts of the whole document, never a point inside one.
        section = _section(unit.text, years) if parent is None else None
        node = _Node(unit, index, rank, parent, section)
        if parent is not None:
            parent.children.append(node)
        nodes.append(node)
        stack.append(node)
    for node in nodes:
        node.head = _take_fields(node.unit.text, node.fields)
        node.body = [text for text in (_take_fields(p, node.fields) for p in node.body) if text]
        if not node.fields.leaders:
            node.fields.leaders = _heading_leaders(node.head)
    return nodes


# --- tasks -------------------------------------------------------------------------------

_ACTION = re.compile(
    r"开展|组织|举办|召开|推进|推动|落实|完成|建立|制定|报送|上报|提交|实施|编制|印发|抓好|做好"
    r"|加强|强化|深化|健全|完善|确保|培训|宣传|检查|评选|申报|征集|整改|排查|部署|参加|参与"
)


def _is_task(node: _Node, kind: str, future: _Node | None, mixed: bool) -> bool:
    """Whether a point is a task under the rules in the module docstring."""
    if node.children or node.unit.marker is None or node.section is not None:
        return False
    if node.effective_section() in ("past", "preamble") or not node.content:
        return False
    if mixed and (future is None or node.index < future.index):
        return False
    # A notice argues in 一、/（一） parts; only its Arabic-numbered requests are tasks.
    return kind != "notice" or (
        node.rank >= _RANKS["ar"] - 0.5 and bool(_ACTION.search(node.content))
    )


def _numbers(tasks: Sequence[_Node]) -> list[str]:
    """Each task's number as written, qualified by its parents' when numbering restarts."""
    own = [str(node.unit.marker.ordinal) if node.unit.marker else "" for node in tasks]
    if len(set(own)) == len(own):
        return own
    return [
        ".".join(
            str(n.unit.marker.ordinal)
            for n in [*node.chain(sections=True), node]
            if n.unit.marker is not None
        )
        for node in tasks
    ]


def _draft_task(node: _Node, number: str) -> DraftTask:
    """The task a point describes, with the names and dates of the headings above it."""
    fields = _Fields()
    fields.update(node.fields)
    chain = node.chain()
    for ancestor in reversed(chain):  # the nearest heading's names first
        fields.update(ancestor.fields)
    focus = chain[-1].title if len(chain) >= 2 else node.title
    return DraftTask(
        where=node.unit.where,
        content=node.content,
        number=number,
        category=chain[0].title if chain else None,
        # A point that is nothing but its title has no focus apart from itself.
        focus=focus if focus != node.content.rstrip(_END_MARKS) else None,
        lead_departments=fields.lead,
        responsible=fields.responsible,
        leaders=fields.leaders,
        due_text=fields.due,
    )


# --- entry points ----------------------------------------------------------------------------


def looks_like_outline(lines: Lines) -> bool:
    """True when the document has numbered points (1. / 一、 / （一） …) outside any table."""
    count = 0
    for _, raw in lines:
        if "\t" in raw:
            continue
        text, _ = _clean(raw)
        marker = _marker(text)
        if marker is not None and text[marker.end :].strip():
            count += 1
            if count >= 2:
                return True
    return False


def _plan_year(
    future: _Node | None, title: str | None, hint: str | None, texts: Sequence[str]
) -> int | None:
    """The future section's year, else the title's latest, else the file name's, else issued."""
    for source in (future.unit.text if future else None, title, hint):
        years = _years(source) if source else []
        if years:
            return max(years)
    for text in texts:
        match = _ISSUE_YEAR.search(text)
        if match:
            return int(match.group(1) or match.group(2))
    return None


def read_outline(lines: Lines, *, title_hint: str | None = None) -> DraftPlan:
    """Read a document written as numbered paragraphs; see the module docstring for the rules."""
    cleaned = [(where, *_clean(raw)) for where, raw in lines]
    texts = [text for _, text, _ in cleaned]
    title = _find_title(texts)
    kind = title.kind if title else "plan"
    title_years = _years(title.text) if title else []
    start = title.index + 1 if title else 0
    units = _paragraphs(cleaned[start:], title_years)
    nodes = _outline(units, title_years)
    mixed = kind == "report" or any(node.section == "past" for node in nodes)
    future = next((node for node in nodes if node.section == "future"), None)
    plan = DraftPlan(title=title.text if title else title_hint)
    plan.year = _plan_year(future if mixed else None, plan.title, title_hint, texts)
    tasks = [node for node in nodes if _is_task(node, kind, future, mixed)]
    plan.tasks = [
        _draft_task(node, number) for node, number in zip(tasks, _numbers(tasks), strict=True)
    ]
    if mixed and future is None:
        plan.warn(
            None,
            N_(
                "this document reads as a report on past work, not a task list: no section "
                "about future work (such as 工作思路 or 下一步工作) was found"
            ),
        )
    elif mixed and future is not None and future.index > 0:
        plan.warn(
            future.unit.where,
            N_(
                "only the section “{section}” describes future work; "
                "{skipped} earlier paragraphs (past work) were not imported"
            ),
            section=(future.unit.marker.label if future.unit.marker else "") + future.head,
            skipped=future.index,
        )
    if kind == "notice":
        plan.warn(
            None,
            N_("this document reads as a notice, not a task list: {count} tasks found"),
            count=len(plan.tasks),
        )
    return plan
