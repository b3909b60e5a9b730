"""Documents written as numbered paragraphs (工作要点, 总结暨思路, 通知) -> a DraftPlan.

How a document is read:

- **Title.** Before the first numbered point, the first line that names a plan (要点, 计划,
  方案, 清单, 思路, 安排, 任务, …) or a report (总结) is the title; else what a
  ``关于印发…的通知`` line issues, starting where that title stands again as a heading after
  the covering notice (whose own 一、二、 requests are not tasks); else a ``关于…的通知`` line.
  Everything up to the title (the covering notice, the document number) is skipped. The
  title says what kind of document it is: a plan, a report of past work, or a notice.
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
  section is imported. Preambles (总体要求, 指导思想, 总体目标) are never tasks; a horizon in
  them (到2026年) still counts. Safeguards (保障措施) are tasks when they name who acts.
- **Notices.** In a notice, the Chinese-numbered parts (一、 （一）) are its argument, not
  tasks: only Arabic-numbered points (1. （1）) that ask for an action are tasks, and the plan
  warns that the document is a notice.
- **Names and dates.** A trailing ``（责任领导：…；牵头单位：…；完成时限：…）`` fills the task's
  fields and leaves its content; so do the same fields on lines of their own under the point
  (``责任单位：区财政局``, ``牵头单位:市发改委；配合单位:市财政局``, ``【完成时限】6月底``: full-
  or half-width colons, units separated by 、，, or by 和 / 及 between whole unit names).
  Nothing is invented: what is not written stays empty.
- **Who leads.** 牵头单位 lead and 配合单位 (协办, 参与 …) are responsible. A plain 责任单位
  list with no 牵头单位 beside it leads with its first unit and the rest are responsible, as in
  task tables; a preamble note such as 列第一位者为牵头单位 / （列第一位的为牵头单位，下同） says
  the same and is removed wherever it stands (it is never part of a unit's name), while
  （排名不分先后） makes every unit of such a list lead. ``区发改局（牵头）`` in a list leads.
- **牵头 in words.** A bracket or a sentence that does nothing but assign the task is read and
  taken out of the content: ``（市发展改革委牵头）``,
  ``（A、B分别牵头，C配合，2023年6月底前完成）``, ``由A牵头，B、C参与。``,
  ``（各县（市、区）人民政府负责，市环保局指导）`` (a unit that 负责 with nobody 牵头 leads). A
  sentence that opens ``由A牵头，`` and goes on to the work names A as lead and stays in the
  content. A bare bracket of units ending the point, ``（市发改委、市财政局）``, is read like a
  责任单位 list; a bracket or sentence holding only a deadline (``（2023年6月底前完成）``) gives
  the deadline.
- **Leaders.** A heading such as ``一、张三副区长牵头重点工作``,
  ``二、张三区政府党组成员牵头重点工作``, ``（三）王五常务副市长负责`` or
  ``区委常委、常务副区长王五牵头`` names the leaders of every task under it (titles before or
  after the name go); a heading is never a task. The same line without a number
  (``李四同志牵头重点工作（5项）``) heads everything down to the next such line. A task's own
  责任领导 wins over its heading's.
- **Deadlines.** A task's own 完成时限 comes first; else a completion date written in its text
  (``2014年底前建成通车``, ``2015年建成投用``: the last such phrase); else its headings'; else
  the document's horizon: a span in the title (``三年行动方案（2023—2025年）``) or, in the text
  before the first point or in its preamble sections, ``2012年起5年内`` (2016), ``到2025年``
  (2025), ``到“十四五”末`` (2025) or ``三年内`` (counted from the document's year: 2023 ->
  2025). The horizon is passed on as ``2016年底前``, which the deadline grammar reads as "by
  2016-12-31" (its own ``三年内`` counts from the import date, and ``2012年起5年内`` it does not
  read). A horizon before the document's year is ignored; the plan warns once that it was used.
- **Title and year.** ``关于印发X的通知`` names X (its outer 《》 dropped, 〈〉 read as 《》); a
  title may quote another document (``2023年区《政府工作报告》重点工作任务分解``). A document with
  no title line takes it from its first paragraph:
  ``为全面落实二〇二三年区《政府工作报告》确定的重点工作任务，……`` ->
  二〇二三年区《政府工作报告》确定的重点工作任务. A title spanning years (2023—2025年) is the plan
  of its first year. 实施意见 and 实施方案 are plans, not notices.
- **Nothing dropped silently.** Every numbered point becomes a task or is warned about: a point
  with no task text (``7．（略）``, a number with only fields under it), a numbering gap (``3．``
  then ``5．``) or a number repeated, the numbered points of a preamble section (总体要求), the
  past part of a report and the argument of a notice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ledger.draft import N_, DraftPlan, DraftTask, Where
from ledger.names import (
    is_title,
    looks_like_person,
    split_departments,
    split_outside_brackets,
    split_people,
    strip_title,
)
from nlu.names import looks_like_department

Lines = Sequence[tuple[Where, str]]

# --- markers -------------------------------------------------------------------------------

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "[一二三四五六七八九十]{1,3}"
_AR = "[0-9０-９]{1,3}"
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
_ITEM_COUNT = re.compile(r"[（(]共?\s*\d+\s*项[)）]$")  # 张三副区长牵头重点工作（共6项）
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


# --- notes on the order of units: （列第一位的为牵头单位，下同） -----------------------------

_NOTE_UNIT = "(?:单位|部门|科室|部室|处室)"
_ORDER_NOTE = re.compile(
    # A bracket that is only the note; a note inside a bracket of fields (责任单位：…。列第一位
    # 的为牵头单位，下同) is taken out by the second form and leaves the fields.
    r"[（(][^（）()：:]*?(?:第一|首位|首个)[^（）()：:]*?(?:为|是)(?:牵头|主办|主责)[^（）()：:]*[)）]"
    r"|(?:(?<=[。；;，,：:\s])|^)(?:注[:：])?[^。；;，,：:（）()]*?(?:第一|首位|首个)"
    rf"[^。；;，,（）()]*?为(?:牵头|主办|主责){_NOTE_UNIT}?"
    rf"(?:[，,][^。；;，,（）()]*?为(?:配合|责任|协办|参与){_NOTE_UNIT})?(?:[，,]\s*下同)?"
)
_UNORDERED_NOTE = re.compile(
    r"[（(][^（）()]*?不分先后[^（）()]*[)）]"
    r"|(?:(?<=[。；;，,：:\s])|^)(?:注[:：])?[^。；;，,：:（）()]*?不分先后"
)
_LEFT_OVER = re.compile(r"[，,、]\s*(?=[。；;）)]|$)|[。；;]\s*(?=[）)])")


def _strip_notes(text: str) -> tuple[str, bool]:
    """The line without notes on the order of units, and whether it said 不分先后."""
    unordered = bool(_UNORDERED_NOTE.search(text))
    bare = _ORDER_NOTE.sub("", _UNORDERED_NOTE.sub("", text))
    if bare == text:
        return text, unordered
    return _LEFT_OVER.sub("", bare).strip().lstrip("，,。；;"), unordered


# --- fields: （责任领导：张三；牵头单位：区发改局；完成时限：6月底前） ----------------------------

_LEADER_LABELS = "责任领导|分管领导|牵头领导|联系领导|包保领导|督办领导|分管负责人|责任人|负责人"
_LEAD_LABELS = (
    "牵头责任单位|牵头单位|牵头部门|牵头部室|牵头科室|牵头处室|主责单位|主责部门|主办单位"
)
# A list that leads with its first unit unless a 牵头 list stands beside it.
_EITHER_LABELS = "责任单位|责任部门|责任部室|责任科室|责任处室|责任主体|承办单位"
_RESPONSIBLE_LABELS = (
    "配合单位|配合部门|配合部室|配合科室|配合处室|协办单位|协办部门|参与单位|协助单位"
    "|协同单位|协同部门"
)
_DUE_LABELS = "完成时限|完成时间|完成期限|时间节点|截止时间|时限要求|时间要求|时限"
_LABEL = re.compile(
    rf"(?P<leaders>{_LEADER_LABELS})|(?P<lead>{_LEAD_LABELS})|(?P<either>{_EITHER_LABELS})"
    rf"|(?P<responsible>{_RESPONSIBLE_LABELS})|(?P<due>{_DUE_LABELS})"
)
_FIELD = re.compile(rf"(?:{_LABEL.pattern})\s*[:：]")
_OPEN_FIELDS = re.compile(rf"[（(]\s*(?=(?:{_LABEL.pattern})\s*[:：])")
_TRAILING_FIELDS = re.compile(rf"(?:^|(?<=[。；;，,\s]))(?=(?:{_LABEL.pattern})\s*[:：])")
_VALUE_TRIM = " ；;，,。.、"
_BOXED_LABEL = re.compile(rf"【\s*({_LABEL.pattern})\s*】\s*")  # 【责任单位】区财政局


def _unbox_labels(text: str) -> str:
    """``【责任单位】A【完成时限】B`` -> ``责任单位：A；完成时限：B``."""
    return _BOXED_LABEL.sub(lambda match: f"；{match.group(1)}：", text).lstrip("；")


_MARKED_LEAD = re.compile(r"[（(](?:牵头|牵头单位|主责)[)）]$")


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))


@dataclass
class _Fields:
    leaders: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    due: str | None = None
    either: list[str] = field(default_factory=list)  # a 责任单位 list, until settled

    def update(self, other: _Fields) -> None:
        """Fill what is still empty from ``other`` (a heading above the task)."""
        self.leaders = self.leaders or other.leaders
        self.lead = self.lead or other.lead
        self.responsible = self.responsible or other.responsible
        self.due = self.due or other.due

    def add(self, other: _Fields) -> None:
        """Add the units of another assignment in the same point; the first due stays."""
        self.leaders = self.leaders or other.leaders
        self.lead = _unique([*self.lead, *other.lead])
        self.responsible = _unique([*self.responsible, *other.responsible])
        self.either = _unique([*self.either, *other.either])
        self.due = self.due or other.due

    def settle(self, *, unordered: bool) -> None:
        """A 责任单位 list: its first unit leads unless 牵头 units are named (or 不分先后)."""
        if not self.either:
            return
        if self.lead:
            rest = self.either
        elif unordered:
            self.lead, rest = self.either, []
        else:
            self.lead, rest = self.either[:1], self.either[1:]
        self.responsible = [u for u in _unique([*rest, *self.responsible]) if u not in self.lead]
        self.either = []


def _units_of(value: str, into: _Fields, kind: str) -> None:
    """A field's units into ``into``; ``区发改局（牵头）`` leads whatever its label."""
    units: list[str] = []
    for name in split_departments(value):
        bare = _MARKED_LEAD.sub("", name)
        if bare != name:
            into.lead = _unique([*into.lead, bare])
        else:
            units.append(name)
    if kind == "lead":
        into.lead = _unique([*into.lead, *units])
    elif kind == "either":
        into.either = into.either or units
    else:
        into.responsible = into.responsible or units


def _read_fields(inner: str, into: _Fields) -> bool:
    """Fill ``into`` from ``责任领导：张三；…``; False when a leader is named but not readable."""
    matches = list(_FIELD.finditer(inner))
    readable = True
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(inner)
        value = inner[match.end() : end].strip(_VALUE_TRIM)
        if not value:
            continue
        kind = match.lastgroup or ""
        if kind == "leaders":
            people = _people(value)
            readable = readable and bool(people)
            into.leaders = into.leaders or people
        elif kind == "due":
            into.due = into.due or value
        else:
            _units_of(value, into, kind)
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


def _inside_brackets(text: str, index: int) -> bool:
    """Whether ``index`` falls inside a bracket (left to the reading of 牵头 in words)."""
    depth = 0
    for char in text[:index]:
        depth += char in "（("
        depth = max(0, depth - (char in "）)"))
    return depth > 0


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
    if (
        match
        and not _inside_brackets(text, match.start())
        and _read_fields(text[match.start() :], into)
    ):
        text = text[: match.start()]
    return text.strip().rstrip("；;，,") if text.strip() else ""


# --- 牵头 in words: （市发改委牵头，市财政局配合） / 由A牵头，B、C参与。 -------------------------

_LEADS = re.compile(
    r"^由?(?P<units>.+?)(?:分别|共同|联合|会同)?(?:牵头负责|负责牵头|牵头抓总|牵头|主抓|主办)"
    r"(?:负责|实施|推进|落实|组织实施)?$"
)
_HELPS = re.compile(
    r"^(?P<units>.+?)(?:分别|共同)?(?P<verb>按职责分工负责|按职能分工负责|按职责负责|负责实施"
    r"|负责落实|参与实施|配合实施|配合|参与|协助|协同|协办|指导|负责)$"
)
_DUE_CLAUSE = re.compile(
    r"^(?:于|在|到|至)?(?P<due>[0-9０-９〇一二三四五六七八九十年月日底末前内上下半季度旬]+"
    r"|长期坚持|持续推进|长期|持续|常态化)(?:前?完成|办结)?$"
)
_DUE_SIGN = re.compile(r"[0-9０-９]|年|月|季度|半年|长期|持续|常态")


def _units(text: str) -> list[str] | None:
    """The units ``text`` lists, if it lists nothing else."""
    names = split_departments(text)
    return names if names and all(looks_like_department(name) for name in names) else None


def _assignment(text: str) -> _Fields | None:
    """Who leads and helps, and by when, if ``text`` says nothing else (市发改委牵头，…)."""
    leads: list[str] = []
    owners: list[str] = []  # 负责, with nobody 牵头: they lead
    helpers: list[str] = []
    due: str | None = None
    labelled = _Fields()  # fields written with their labels among the clauses
    for clause in split_outside_brackets(text.strip().rstrip("。.；;"), "，,；;"):
        lead_match, help_match = _LEADS.match(clause), _HELPS.match(clause)
        due_match = _DUE_CLAUSE.match(clause)
        if lead_match and (units := _units(lead_match["units"])):
            leads.extend(units)
        elif help_match and (units := _units(help_match["units"])):
            (owners if help_match["verb"] == "负责" else helpers).extend(units)
        elif due_match and _DUE_SIGN.search(due_match["due"]):
            due = due or due_match["due"]
        elif _FIELD.match(clause) and _read_fields(clause, labelled):
            continue  # （市水务集团牵头，完成时限：2013年6月底前）
        else:
            return None
    if not (leads or owners or helpers or due):
        return None
    if not leads:
        leads, owners = owners, []
    lead = _unique(leads)
    responsible = [unit for unit in _unique([*owners, *helpers]) if unit not in lead]
    found = _Fields(lead=lead, responsible=responsible, due=due)
    found.add(labelled)
    return found


def _brackets(text: str) -> list[tuple[int, int]]:
    """Where the outermost brackets of ``text`` start and end."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(text):
        if text[index] in "（(":
            end = _closing(text, index)
            spans.append((index, end))
            index = end
        else:
            index += 1
    return spans


def _take_assignments(text: str, into: _Fields) -> str:
    """Move brackets and sentences that only assign the point into ``into``; the rest."""
    for start, end in reversed(_brackets(text)):
        inner = text[start + 1 : end - 1]
        found = _assignment(inner)
        if found is None and end == len(text.rstrip("。.；; ")):
            units = _units(inner)  # a bare list of units ending the point
            found = _Fields(either=units) if units else None
        if found is not None:
            into.add(found)
            text = text[:start] + text[end:]
    kept: list[str] = []
    for sentence in re.split(r"(?<=[。！？!?])", text):
        if not sentence.strip():
            continue
        found = _assignment(sentence)
        if found is not None:
            into.add(found)
            continue
        opening = split_outside_brackets(sentence, "，,")
        lead = _LEADS.match(opening[0]) if len(opening) > 1 else None
        units = _units(lead["units"]) if lead else None
        if units:  # 由区教育局牵头，组织开展……: the lead, and the sentence stays
            into.add(_Fields(lead=units))
        kept.append(sentence)
    return "".join(kept).strip().rstrip("；;，,")


# --- deadlines in the text: 2014年底前建成通车 -------------------------------------------------

_COMPLETION = re.compile(
    r"(?P<due>(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?(?:\d{1,2}日)?(?:前|以前|之前)?)"
    r"(?:基本|全面|全部|如期)?(?:完成|建成|竣工|投用|投入使用|通车|实现|交付|办结|上线|到位)"
)


def _completion_due(text: str) -> str | None:
    """The last completion date a task's text names (2014年底前建成通车 -> 2014年底前)."""
    found = _COMPLETION.findall(text)
    return found[-1] if found else None


# Words that are never part of a personal name, though names.looks_like_person lets them
# through (主要领导, 分管副局长 -> 分管, 全体党员, 局长).
_NOT_A_NAME = re.compile(
    r"领导|主要|分管|全体|班子|干部|成员|党员|各|们|局长|区长|市长|县长|书记|主任"
)


def _people(text: str) -> list[str]:
    """Leaders named in a field value (张三（常务副区长）); a role (分管副局长) names nobody."""
    bare = _BRACKETED.sub("", text)
    return [name for name in split_people(bare) if not _NOT_A_NAME.search(name)]


# A heading that names who leads everything under it: 一、张三副区长牵头重点工作.
_HEADING_LEADERS = re.compile(
    r"^由?([\u4e00-\u9fff·、，,\s]{2,30}?)(?:共同|分别|联合)?(?:牵头|负责|分管|领衔|主抓|挂帅|抓总)"
)


def _heading_leaders(text: str) -> list[str]:
    """The leaders a heading puts in charge; none unless every name before 牵头 is a person.

    A title standing alone between the names (区委常委、常务副区长王五) names nobody and is passed.
    """
    match = _HEADING_LEADERS.match(text)
    if match is None:
        return []
    names: list[str] = []
    for token in re.split(r"[、，,\s]+", match.group(1)):
        if not token or is_title(token):
            continue
        if not looks_like_person(token):
            return []
        names.append(strip_title(token))
    if not names or any(_NOT_A_NAME.search(name) for name in names):
        return []
    return _unique(names)


def _leader_heading(text: str) -> bool:
    """An unnumbered line heading the tasks of leaders: 李四同志牵头重点工作（5项）."""
    return len(text) <= 40 and _heading_like(text) and bool(_heading_leaders(text))


# --- title and kind ------------------------------------------------------------------------

_PLAN_WORDS = re.compile(
    r"要点|计划|方案|清单|思路|安排|打算|任务|措施|举措|台账|分解|规划|分工|目标|责任书|实施意见"
)
_REPORT_WORDS = re.compile(r"总结|汇报|报告")
_NOTICE_END = re.compile(r"(?:通知|通报|意见|决定|函|讲话|公告|倡议书?)$")
# 关于印发X的通知: X is the title (the whole line); a line broken before 的通知 quotes it in 《》.
_WRAPPER = re.compile(r"印发(?P<inner>.+?)的?(?:通知|函)$")
_WRAPPER_OPEN = re.compile(r"印发.{0,10}?《(?P<inner>[^》]+)》")
_QUOTED = re.compile(r"《[^《》]*》")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
_SPAN = re.compile(
    r"((?:19|20)\d{2})\s*年?\s*[—–\-－~～至到]+\s*((?:19|20)\d{2})\s*(?:年|(?=[)）]))"
)
# The opening paragraph of a document without a title line: 为全面落实二〇二三年区《政府工作
# 报告》确定的重点工作任务，……
_OPENING = re.compile(r"(?:(?:19|20)\d{2}|[〇零一二三四五六七八九]{4})\s*年[^，。：；,;:！？!?]*")
_OPENING_TAIL = re.compile(r"(?:的?(?:落实|通知|精神|部署|要求)|如下)+$")


@dataclass(frozen=True)
class _Title:
    text: str
    kind: str  # plan | report | notice
    index: int  # the line it is on


def _unquoted(text: str) -> str:
    """``text`` without the documents it quotes (《政府工作报告》 names no kind)."""
    return _QUOTED.sub("", text)


def _kind(text: str) -> str:
    """plan, report or notice, from the words of a title."""
    own = _unquoted(text)
    if _PLAN_WORDS.search(own):
        return "plan"
    if _REPORT_WORDS.search(own):
        return "report"
    return "notice" if _NOTICE_END.search(own) else "plan"


def _names_a_plan(text: str) -> bool:
    own = _unquoted(text)
    return bool(_PLAN_WORDS.search(own) or _REPORT_WORDS.search(own))


def _wrapped(text: str) -> str | None:
    """The title a ``关于印发…的通知`` line issues, if it names one."""
    match = _WRAPPER.search(text)
    inner = match["inner"] if match else None
    if inner and inner.startswith("《") and inner.endswith("》") and _closes(inner):
        inner = inner[1:-1]
    if inner is None or not _names_a_plan(inner):
        match = _WRAPPER_OPEN.search(text)
        inner = match["inner"] if match else None
    if inner is None:
        return None
    inner = _tight(inner.replace("〈", "《").replace("〉", "》"))
    return inner if _names_a_plan(inner) else None


def _closes(text: str) -> bool:
    """Whether the 《 opening ``text`` is closed by the 》 ending it."""
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "《") - (char == "》")
        if depth == 0:
            return index == len(text) - 1
    return False


def _find_title(lines: Sequence[str]) -> _Title | None:
    """The document's own title among the lines before its first numbered point."""
    wrapper: _Title | None = None
    notice: _Title | None = None
    for index, text in enumerate(lines[:80]):
        if _marker(text) is not None:
            break
        if not 2 <= len(text) <= 100 or "\t" in text or re.search(r"[。！？；;：:]", text):
            continue
        if text.count("《") != text.count("》"):
            continue  # a sentence broken across lines (现将《…工作要点》印发给你们)
        if "印发" in text:
            inner = _wrapped(text)
            if wrapper is None and inner is not None:
                wrapper = _Title(inner, _kind(inner), index)
        elif (
            _names_a_plan(text)
            and not looks_like_department(text)  # a sender such as 目标管理办公室
            and not _heading_leaders(text)  # 李四同志牵头重点任务 heads tasks
        ):
            text = _tight(_title_start(lines, index) + text)
            if len(text) >= 4:
                return _Title(text, _kind(text), index)
        if notice is None and _NOTICE_END.search(text) and "关于" in text:
            notice = _Title(_tight(text), _kind(_tight(text)), index)
    if wrapper is not None:
        return _issued(lines, wrapper)
    return notice or _opening_title(lines)


def _loose(text: str) -> str:
    """A title to compare: no quotes or spaces (《区〈政府工作报告〉…》 and 区《政府工作报告》…)."""
    return re.sub(r"[《》〈〉\s]", "", text)


def _issued(lines: Sequence[str], wrapper: _Title) -> _Title:
    """Where the issued document starts: its own title line after the covering notice (whose
    numbered requests are not tasks), on one line or two; else right after the notice line."""
    wanted = _loose(wrapper.text)
    for index in range(wrapper.index + 1, min(len(lines), wrapper.index + 200)):
        text = _loose(lines[index])
        if not text or not wanted.endswith(text):
            continue
        before = next((_loose(line) for line in reversed(lines[:index]) if line.strip()), "")
        if text == wanted or before + text == wanted:
            return _Title(wrapper.text, wrapper.kind, index)
    return wrapper


def _opening_title(lines: Sequence[str]) -> _Title | None:
    """A title from the first paragraph, when the document has no title line."""
    for index, text in enumerate(lines[:80]):
        if not text or _NOISE.match(text) or _signature(text):
            continue
        if _marker(text) is not None:
            return None
        match = _OPENING.search(text)
        phrase = _OPENING_TAIL.sub("", match.group(0)).strip() if match else ""
        if len(phrase) >= 8 and (_names_a_plan(phrase) or "《" in phrase):
            return _Title(_tight(phrase), "plan", index)
        return None
    return None


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
_PREAMBLE = re.compile(
    r"总体要求|指导思想|基本原则|总体思路|工作原则|总体目标|主要目标|工作目标|发展目标"
)


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
        if marker is None and not fields_line and _leader_heading(text):
            section = "leaders"  # 李四同志牵头重点工作: heads the tasks below it
        if index in signed:
            continue
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
            return _ITEM_COUNT.sub("", self.head).rstrip(_END_MARKS)
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


def _outline(
    units: Sequence[_Unit], years: Sequence[int], *, unordered: bool
) -> tuple[list[_Node], list[str]]:
    """The points as a tree (each node knows its parent), in document order; the preamble."""
    nodes: list[_Node] = []
    stack: list[_Node] = []
    preamble: list[str] = []
    for index, unit in enumerate(units):
        if unit.marker is None and unit.section is None:
            if stack:
                stack[-1].body.append(unit.text)
            else:
                preamble.append(unit.text)  # text before the first point
            continue
        rank = _rank(unit.marker, stack)
        while stack and stack[-1].rank >= rank:
            stack.pop()
        parent = stack[-1] if stack else None
        # Past and future are parts of the whole document, never a point inside one.
        section = _section(unit.text, years) if parent is None else None
        node = _Node(
            unit, index, rank, parent, unit.section if unit.section == "leaders" else section
        )
        if parent is not None:
            parent.children.append(node)
        nodes.append(node)
        stack.append(node)
    for node in nodes:
        node.head = _take_assignments(_take_fields(node.unit.text, node.fields), node.fields)
        body = (_take_assignments(_take_fields(p, node.fields), node.fields) for p in node.body)
        node.body = [text for text in body if text]
        node.fields.settle(unordered=unordered)
        if not node.fields.leaders:
            node.fields.leaders = _heading_leaders(node.head)
    return nodes, preamble


# --- tasks -------------------------------------------------------------------------------

_ACTION = re.compile(
    r"开展|组织|举办|召开|推进|推动|落实|完成|建立|制定|报送|上报|提交|实施|编制|印发|抓好|做好"
    r"|加强|强化|深化|健全|完善|确保|培训|宣传|检查|评选|申报|征集|整改|排查|部署|参加|参与"
)


def _in_scope(node: _Node, kind: str, future: _Node | None, mixed: bool) -> bool:
    """Whether a point stands where tasks are, under the rules in the module docstring."""
    if node.children or node.unit.marker is None or node.section is not None:
        return False
    if node.effective_section() in ("past", "preamble"):
        return False
    if mixed and (future is None or node.index < future.index):
        return False
    # A notice argues in 一、/（一） parts; only its Arabic-numbered requests are tasks.
    return kind != "notice" or (
        node.rank >= _RANKS["ar"] - 0.5 and bool(_ACTION.search(node.content))
    )


# What stands in a point that holds no task: 7．（略）, 8．……
_PLACEHOLDER = re.compile(
    r"^[（(【\[]?\s*(?:略|空|无|待定|待补充|暂缺|删除|此项删除|此条删除|已删除|另行通知)\s*"
    r"[)）】\]]?[。.]?$"
)
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")


def _label(node: _Node) -> str:
    """A point's number as written, without its trailing mark: 7, （三）, 一."""
    marker = node.unit.marker
    return marker.label.rstrip("、.．，,：: ") if marker else ""


def _unreadable(node: _Node, plan: DraftPlan) -> bool:
    """Whether a point holds no task text; if so, the plan says so."""
    if not node.content:
        plan.warn(
            node.unit.where,
            N_("point {label} has no task text; it was not imported"),
            label=_label(node),
        )
        return True
    if _PLACEHOLDER.match(node.content) or not _HAN_CHAR.search(node.content):
        plan.warn(
            node.unit.where,
            N_("point {label} reads “{text}”, not a task; it was not imported"),
            label=_label(node),
            text=node.content[:20],
        )
        return True
    return False


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


def _own_due(node: _Node) -> str | None:
    """The deadline a point or the headings above it give: fields, then its text, then theirs."""
    due = node.fields.due or _completion_due(node.content)
    ancestor = node.parent
    while due is None and ancestor is not None:
        due = ancestor.fields.due
        ancestor = ancestor.parent
    return due


def _draft_task(node: _Node, number: str, due: str | None) -> DraftTask:
    """The task a point describes, with the names of the headings above it."""
    fields = _Fields()
    fields.update(node.fields)
    ancestor = node.parent
    while ancestor is not None:  # the nearest heading's names first
        fields.update(ancestor.fields)
        ancestor = ancestor.parent
    chain = node.chain()
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
        due_text=due,
    )


# --- the horizon: 2012年起5年内, 到2025年, 三年内 ---------------------------------------------

_COUNT = "[0-9一二两三四五六七八九十]{1,2}"
_HORIZON = re.compile(
    rf"(?P<start>(?:19|20)\d{{2}})年(?:起|开始)[，,]?(?:力争)?用?(?P<years>{_COUNT})年(?:左右)?"
    r"(?:时间|内)"
    r"|(?:到|至|截至|截止到?)(?P<by>(?:19|20)\d{2})年"
    r"|(?:到|至)[“\"]?十(?P<plan>[一二三四五六七八九])五[”\"]?(?:期|规划)?末"  # 到“十四五”末
    rf"|(?:力争)?用?(?P<within>{_COUNT})年(?:左右)?(?:时间|内)"
)


def _count(text: str) -> int:
    """1..99 written in digits or Chinese (两 is 2)."""
    return int(text) if text.isdigit() else _cn_int(text.replace("两", "二"))


def _horizon(title: str, texts: Sequence[str], year: int | None) -> int | None:
    """The last year the document gives itself: a span in its title, else its preamble's."""
    span = _SPAN.search(title)
    end: int | None = int(span.group(2)) if span else None
    for text in [title, *texts] if end is None else []:
        match = _HORIZON.search(text)
        if match is None:
            continue
        if match["start"]:
            end = int(match["start"]) + _count(match["years"]) - 1
        elif match["by"]:
            end = int(match["by"])
        elif match["plan"]:  # 十一五 ends in 2010, 十四五 in 2025
            end = 1955 + 5 * (10 + _cn_int(match["plan"]))
        elif year is not None and _count(match["within"]) > 0:
            end = year + _count(match["within"]) - 1
        if end is not None:
            break
    return end if end is not None and (year is None or end >= year) else None


# --- warnings about points left out -----------------------------------------------------------


def _warn_numbering(nodes: Sequence[_Node], plan: DraftPlan) -> None:
    """A numbering gap (3． then 5．) or a number used twice in a row is said."""
    last: dict[str, _Node] = {}  # by kind of marker: the point numbered before
    for node in nodes:
        marker = node.unit.marker
        if marker is None:
            continue
        previous = last.get(marker.kind)
        last[marker.kind] = node
        if previous is None or previous.unit.marker is None:
            continue
        before = previous.unit.marker.ordinal
        same_heading = previous.parent is node.parent
        if marker.ordinal == before + 1 or (marker.ordinal == 1 and not same_heading):
            continue  # the next number, or numbering that starts again under a new heading
        if marker.ordinal > before + 1:
            plan.warn(
                node.unit.where,
                N_("the numbering jumps from {before} to {after}: is a point missing?"),
                before=_label(previous),
                after=_label(node),
            )
        elif marker.ordinal == before and same_heading:
            plan.warn(node.unit.where, N_("number {label} is used twice"), label=_label(node))


def _warn_preamble(nodes: Sequence[_Node], plan: DraftPlan) -> None:
    """A numbered preamble section (一、总体要求) is said to be left out, with its points."""
    for node in nodes:
        if node.section != "preamble" or node.unit.marker is None:
            continue
        count = sum(1 for other in nodes if other.unit.marker and node in _ancestors(other))
        plan.warn(
            node.unit.where,
            N_(
                "“{section}” states aims and principles, not tasks: it was not imported "
                "({count} numbered points under it)"
            ),
            section=node.unit.marker.label + node.head,
            count=count,
        )


def _ancestors(node: _Node) -> list[_Node]:
    found: list[_Node] = []
    parent = node.parent
    while parent is not None:
        found.append(parent)
        parent = parent.parent
    return found


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
    """The future section's year, else the title's (the first of a span, else the latest),
    else the file name's, else the year of issue."""
    for source in (future.unit.text if future else None, title, hint):
        span = _SPAN.search(source) if source else None
        if span is not None:
            return int(span.group(1))
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
    cleaned: list[tuple[Where, str, bool]] = []
    unordered = False  # （排名不分先后）: every unit of a 责任单位 list leads
    for where, raw in lines:
        text, md_heading = _clean(raw)
        text, says_unordered = _strip_notes(_unbox_labels(text))
        unordered = unordered or says_unordered
        cleaned.append((where, text, md_heading))
    texts = [text for _, text, _ in cleaned]
    title = _find_title(texts)
    kind = title.kind if title else "plan"
    title_years = _years(title.text) if title else []
    start = title.index + 1 if title else 0
    units = _paragraphs(cleaned[start:], title_years)
    nodes, preamble = _outline(units, title_years, unordered=unordered)
    mixed = kind == "report" or any(node.section == "past" for node in nodes)
    future = next((node for node in nodes if node.section == "future"), None)
    plan = DraftPlan(title=title.text if title else title_hint)
    plan.year = _plan_year(future if mixed else None, plan.title, title_hint, texts)
    aims = [node.content for node in nodes if node.effective_section() == "preamble"]
    horizon = _horizon(texts[title.index] if title else "", [*preamble, *aims], plan.year)
    tasks = [
        node
        for node in nodes
        if _in_scope(node, kind, future, mixed) and not _unreadable(node, plan)
    ]
    dues = [_own_due(node) for node in tasks]
    plan.tasks = [
        _draft_task(node, number, due or (f"{horizon}年底前" if horizon else None))
        for node, number, due in zip(tasks, _numbers(tasks), dues, strict=True)
    ]
    if horizon is not None and None in dues:
        plan.warn(
            None,
            N_(
                "{count} tasks without a deadline of their own are given the document's "
                "horizon: by the end of {year}"
            ),
            count=dues.count(None),
            year=horizon,
        )
    _warn_numbering(nodes, plan)
    _warn_preamble(nodes, plan)
    plan.warnings.sort(key=lambda notice: notice.where.n if notice.where else 0)  # in order
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
