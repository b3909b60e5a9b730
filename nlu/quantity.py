"""Amounts in a progress report: 跑了25场, 办了两期, 1.5万人次, 完成80%, 七成五, 三分之二 …

An amount is a number and a measure word, or a share of the whole:

- Arabic or Chinese numerals and a measure word, the same words targets are written with
  (nlu.targets), less 天 and 小时 (两天, 3小时 are durations): 25场, 二十五场, 两期, 3家,
  一百二十所. A scale may follow the number: 1.5万人次 -> 15000, 20万人, 3千人, 1.5w人次.
  二十万人, 一点五万人次 and 1万2千人 are read whole. 30个人 is 30 人.
- Approximations read as the number stated, a lower bound as in targets: 十来场, 十几场,
  20多场, 100余人, 1万多人次 -> 10, 10, 20, 100, 10000. A range (20-30人) is its lower bound;
  only - ~ — – make one (从30%到60% is two amounts; in 3到5场 only 5场 has a measure word).
  Vague counts are not amounts: 几十场, 数十场, 三五场, 二三十人.
- Shares, unit "%": 80% (and ％), 百分之五十 -> 50, 三分之二 -> 66.67 (any 甲分之乙, rounded to
  2 decimals), 八成 -> 80, 七成五 -> 75, 一半 / 过半 / 大半 / 近半 / 半数 -> 50 (a lower bound
  like 余: 过半 and 大半 mean more than half), 3/4 -> 75. A slash is a share only when the
  first number is at most the second and the second is at most 10 (1/2, 2/3, 9/10) or above 31
  (25/40: done out of planned), and no 前/后/日/号 follows: 6/30 and 3/5前 are dates.
  25/40场 is 25 场, done out of planned (its span is all of 25/40场). 2个百分点 keeps its unit
  "个百分点".

Not amounts:

- task references: 第12项, #12, No.12, 编号12, 序号12, and N项 opening the message (32项推迟);
  12号任务 and 任务12 carry no measure word anyway;
- dates and times (3月, 5月30日, 5·30, 6.30, 2025年, 下午3点) and durations (两天, 一周,
  3个月, 3个工作日): their words are not measure words, and 个 refuses 月 工 星 小 半 钟;
- ordinals (第1期, 第十四次); numbers inside quotes (“千场科普活动”, “五个一”, 《…》);
  integers longer than 9 digits (phone numbers);
- a Chinese numeral that is part of a phrase: it counts only after a cue word (办了两期,
  新建一家, 约二十场, 还差两场) or when the clause ends after it, or a particle (了 的 啦 …),
  a non-Chinese character or a cue follows (两期了, 两场已完成). So 五个一工程, 一期工程,
  一家人, 八成是忘了 (probably forgot) have no amount. 百/千/万 alone start no numeral (千场).
  Arabic numerals with a measure word always count. Halves and 成 obey the same rule.

Which amount is the report (read_quantity). Each amount is scored by the cues before it in its
clause, read left to right; clauses end at , 。 、 ; : ! ? . … and spaces (跑了25场 视频10期 is
two clauses):

- 4: a share after a done cue (完成80%, 进度百分之五十, 进展到60%, 累计完成62.5%);
- 3: after a running total (累计, 共, 共计, 一共, 目前, 截至目前, 至今) and a done cue or none:
  the count the ledger wants (本月跑了5场，累计25场 -> 25场);
- 2: after a done cue: a marker of progress (已, 了, 进度, 完成率) or a verb of the work
  (完成, 到, 达到, 跑, 办, 开展, 举办, 召开, 新建, 发布, 接待 …); or, with no cue before,
  followed by one (25场已完成, 两期了);
- 1: no cue;
- 0: after a cue that sets the amount aside: a plan (计划, 目标, 拟, 预计, 应), what is left
  (还差, 还剩, 还有, 剩, 待, 未完成), a rate (每), a delay (推迟到). A verb after such a cue
  leaves it aside (计划举办3期, 应到30人); a marker of progress does not (计划40场已跑25场).
  全年 and 年度 are neutral: 已完成全年任务的75% is a report.

Qualifiers between cue and number (约, 近, 将近, 不少于, 超过 …) are transparent. The highest
score wins; among amounts after a done cue (score 2 and up) the first, which is the verb's own
object (第12项发布图文300篇、视频10期 -> 300篇; 已跑25场，本月又跑5场 -> 25场); among amounts
with no cue the last, since a report tends to state the plan before the progress (40场 25场).
When every amount is set aside (还差15场, 计划40场) nothing is reported: read_quantity is None,
though read_quantities still lists them.

Matching is done on the text folded character by character with NFKC (full-width digits,
letters and punctuation become ASCII; Kangxi radicals and compatibility ideographs become
ordinary ideographs), except that characters NFKC would turn into digits without being digits
(①, ², ½, ㎡) are kept, so they never run into a neighbouring number. Folding one character at
a time lets every span be mapped back: ``start`` and ``end`` index the text given, and
``text[start:end]`` is the amount as written (25场, １．５万人次, 百分之五十), without trailing
qualifiers such as 以上 or 左右.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nlu.numbers import chinese_to_number, small_chinese_int

# A report is compared with its task's target, so it is read with the targets' measure words.
from nlu.targets import _UNITS as _TARGET_UNITS


@dataclass(frozen=True)
class Quantity:
    """An amount as written in a report: 25场, 1.5万人次, 80%."""

    value: float  # 25.0, or 50.0 for 50 %
    unit: str  # the measure word as written, normalised: "场", "人次", "%" for shares
    start: int  # span of the amount in the text read
    end: int


# --- folding the text -----------------------------------------------------------------------

_ASCII_DIGITS = frozenset("0123456789")


def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    if folded != char and unicodedata.decimal(char, None) is None and _ASCII_DIGITS & set(folded):
        return char  # ① ² ½ stay as written: "①25场" is not 125 场
    return folded


class _Folding(dict[int, str]):
    """A str.translate table that folds each character on first sight and remembers it."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 65_536:
            self[code] = folded
        return folded


_FOLDING = _Folding()


def _fold(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, when lengths differ, the original index of each folded character."""
    folded = text.translate(_FOLDING)
    if len(folded) == len(text):
        return folded, None  # NFKC maps no character to nothing, so every part is one char
    origin: list[int] = []
    for index, char in enumerate(text):
        origin.extend([index] * len(_FOLDING[ord(char)]))
    origin.append(len(text))
    return folded, origin


# --- the grammar ----------------------------------------------------------------------------

# Durations are not amounts in a report (两天后, 3小时内); 课时 and 学时 are training credits.
_DROPPED_UNITS = frozenset({"天", "小时", "％"})
_MORE_AVOID = {"个": "星小半钟头", "次": "性", "场": "合"}
_EXTRA_UNITS = {"位": "置于次数子", "例": "如子外行会句", "个人": "信息所名账"}
_UNITS = {
    unit: avoid + _MORE_AVOID.get(unit, "")
    for unit, avoid in _TARGET_UNITS.items()
    if unit not in _DROPPED_UNITS
} | _EXTRA_UNITS
_UNIT_NAMES = {"个人": "人"}
_UNIT = "|".join(
    f"{re.escape(unit)}(?![{avoid}])" if avoid else re.escape(unit)
    for unit, avoid in sorted(_UNITS.items(), key=lambda item: -len(item[0]))
)

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_NUMERALS = _CN_DIGITS + "十百千万亿"
# A Chinese numeral starts with a digit or 十 (千场 is a slogan, not a count).
_CN = rf"(?:[{_CN_DIGITS}]|十)[{_CN_NUMERALS}]*(?:点[{_CN_DIGITS}]+)?"
_AR = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
# 1万2千 and 3万5 mix the two; cn2an reads them.
_MIXED = r"[0-9]+[万亿][0-9]+[千百]?"
_NUM = rf"(?:{_MIXED}|{_AR}|{_CN})"
# Not inside a longer number, a date (5·30), a time (3:30), a vague count (几十, 数十).
_FREE = rf"(?<![0-9·・•:/{_CN_NUMERALS}几数])(?<![0-9][.,])"
_GAP = r"[ \t]*"

# The lookahead lets the engine skip, cheaply, every position no amount can start at.
_QUANTITY = re.compile(
    rf"""
    (?=[0-9{_CN_NUMERALS}过大近半])
    (?:
      {_FREE}(?:
        (?P<den>{_NUM}|百|千){_GAP}分之{_GAP}(?P<num>{_NUM}|百)
        | (?P<part>[0-9]+(?:\.[0-9]+)?){_GAP}/{_GAP}(?P<whole>[0-9]+)(?![0-9./])
          (?:{_GAP}(?P<part_unit>{_UNIT}))?
        | (?P<tenths>[1-9]|10|[{_CN_DIGITS}]|十)成(?![立功果效员绩本长熟就型形品交才为不])
          (?P<hundredths>[1-9](?![0-9])|[一二三四五六七八九])?
        | (?P<low>{_NUM})(?:{_GAP}[-~—–]{_GAP}(?P<high>{_NUM}))?
          {_GAP}(?:多|余|来|几)?{_GAP}(?P<scale>百万|千万|[百千万亿wW])?{_GAP}(?:多|余)?
          {_GAP}(?P<unit>{_UNIT})
      )
      | (?P<half>一半|过半|大半|近半|半数)(?![年天月日个时夜辈路晌钟])
    )
    """,
    re.VERBOSE,
)
_SCALES = {
    "百": 100.0,
    "千": 1_000.0,
    "万": 10_000.0,
    "w": 10_000.0,
    "W": 10_000.0,
    "百万": 1_000_000.0,
    "千万": 10_000_000.0,
    "亿": 100_000_000.0,
}
_FOR_CN2AN = re.compile("[万亿点]")
_MAX_DIGITS = 9  # longer runs of digits are phone or account numbers
_SLASH_DATE = re.compile(r"[ \t]*(?:前|后|之前|以前|日|号|截止|到期)")

# What the amount is a reference to, not an amount of: 第12项, #12, No.12, 编号12.
_REFERENCE = re.compile(r"(?:第|#|no\.?|编号|序号)[ \t]*$", re.IGNORECASE)
_OPENING_ONLY = re.compile(r"\W*")

# Cues before an amount. Longer words come first so that 接待 is not 待, 推迟到 is not 到 and
# 争取到 (secured) is not 争取; neutral words (qualifiers, and words that merely contain a cue)
# are transparent. A marker of progress (已, 了, 累计, 目前 …) overrides a cue before it; a verb
# of the work (跑, 办, 完成 …) does not override a plan or a remainder (计划举办3期, 还要办2场).
_CUE = re.compile(
    r"""
    (?P<neutral>将近|接近|不少于|不低于|至少|超过|大约|大概|差不多|约|近|超|为了|除了|了解|到位|
        全年|年度)
    | (?P<total>累计|共计|总计|合计|一共|共|至今|截至目前|截止目前|目前)
    | (?P<marker>争取到|已经|已|现已|现在|完成率|进度|实到|了)
    | (?P<aside>(?:未|没有?|尚未|还没有?)(?:完成|开展|举办|召开|办|跑|开)|推迟到|延期到|延迟到|延至|
        延到|推迟|延期|原计划|计划|原定|预计|目标|任务数|任务量|任务是|任务为|要求|争取|力争|拟|
        还差|还剩|还有|还需|还要|尚需|尚有|剩余|剩下|剩|待|准备|打算|需要|应|每)
    | (?P<verb>完成|办完|做完|进展|达到|达|到|实现|新建|新增|建成|开展|举办|举行|召开|组织|
        发布|接待|服务|培训|走访|慰问|办理|覆盖|吸引|参加|参与|办|跑|开|做|搞)
    """,
    re.VERBOSE,
)
# Cues after an amount with no cue before it: 25场已完成, 两期了; 3场未开展.
_AFTER = re.compile(
    r"""[ \t]*(?:
    (?P<aside>未|没|还没|尚未|待)
    | (?P<done>了|已|(?:都|均|全部|基本)?(?:已经?)?(?:完成|办完|办结|做完|跑完|开完|结束|落实))
    )""",
    re.VERBOSE,
)
_PARTICLES = frozenset("了啦的呢啊吧哈呀喽")
_TAILS = ("左右", "以上", "以内", "上下", "多", "余")
_BOUNDARIES = frozenset(",.;:!?。、\n\r\t ")  # after folding: ，→, …→...
_OPENING = frozenset("“《「『")
_CLOSING = frozenset("”》」』")
_QUOTES = re.compile('[“《「『"]')

_SHARE, _TOTAL, _DONE, _NONE, _ASIDE = 4, 3, 2, 1, 0


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _quoted(text: str, position: int) -> bool:
    """True inside “…”, 《…》, 「…」 or "…": a number there is part of a name."""
    head = text[:position]
    if not _QUOTES.search(head):
        return False
    opened = sum(head.count(char) for char in _OPENING)
    closed = sum(head.count(char) for char in _CLOSING)
    return opened > closed or head.count('"') % 2 == 1


def _clause(text: str, position: int) -> str:
    """The clause before ``position``, without the spaces just before it."""
    end = position
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > 0 and text[start - 1] not in _BOUNDARIES:
        start -= 1
    return text[start:end]


def _cue_before(clause: str) -> tuple[int | None, bool]:
    """The score the cues in ``clause`` give, and whether a cue ends it."""
    score: int | None = None
    total = False
    last_end = -1
    for match in _CUE.finditer(clause):
        last_end = match.end()
        if match["aside"] is not None:
            score, total = _ASIDE, False
        elif match["total"] is not None:
            score, total = _DONE, True
        elif match["marker"] is not None or (match["verb"] is not None and score != _ASIDE):
            score = _DONE
    if total and score == _DONE:
        score = _TOTAL
    return score, last_end == len(clause)


def _cue_after(text: str, end: int) -> int | None:
    """The score a cue right after an amount gives (25场已完成, 3场未开展), if there is one."""
    match = _AFTER.match(text, end)
    if match is None:
        return None
    return _DONE if match["done"] is not None else _ASIDE


def _chinese_stands(text: str, end: int, cue_ends: bool, after: int | None) -> bool:
    """Whether a Chinese numeral is a count: after a cue, or with nothing Chinese tied to it."""
    if cue_ends or after is not None or end == len(text):
        return True
    following = text[end]
    if following in _PARTICLES or not _is_han(following):
        return True
    return text.startswith(_TAILS, end)


def _number(text: str) -> float | None:
    """A number as written: Arabic, Chinese or mixed (only 万, 亿 and 点 go to cn2an)."""
    if _FOR_CN2AN.search(text):
        return chinese_to_number(text)
    if text[0].isdigit():
        digits = text.split(".")[0].replace(",", "")
        return float(text.replace(",", "")) if len(digits) <= _MAX_DIGITS else None
    if text in ("百", "千"):
        return 100.0 if text == "百" else 1000.0
    small = small_chinese_int(text)
    return float(small) if small is not None else None


def _share(match: re.Match[str], text: str) -> tuple[float, str] | None:
    """Value and unit of a share (分之, a slash, 成, a half); None when it is not one."""
    if match["den"] is not None:
        den, num = _number(match["den"]), _number(match["num"])
        if den is None or num is None or den == 0:
            return None
        return round(num / den * 100, 2), "%"
    if match["part"] is not None:
        part, whole = float(match["part"]), int(match["whole"])
        if len(match["whole"]) > _MAX_DIGITS:
            return None
        if match["part_unit"] is not None:
            unit = match["part_unit"]
            return part, _UNIT_NAMES.get(unit, unit)
        if whole == 0 or part > whole or 10 < whole <= 31:
            return None
        if _SLASH_DATE.match(text, match.end()):
            return None
        return round(part / whole * 100, 2), "%"
    if match["tenths"] is not None:
        tenths = _number(match["tenths"])
        hundredths = _number(match["hundredths"]) if match["hundredths"] else 0.0
        if tenths is None or hundredths is None:
            return None
        return tenths * 10 + hundredths, "%"
    return 50.0, "%"


def _amount(match: re.Match[str]) -> tuple[float, str] | None:
    """Value and unit of a number with a measure word; None when the number is not one."""
    value = _number(match["low"])
    if value is None:
        return None
    scale = match["scale"]
    if scale is not None:
        value *= _SCALES[scale]
    unit = match["unit"]
    return round(value, 6), _UNIT_NAMES.get(unit, unit)


def _find(text: str) -> list[tuple[Quantity, int]]:
    """Every amount in ``text`` with its score as the report."""
    folded, origin = _fold(text)
    found: list[tuple[Quantity, int]] = []
    for match in _QUANTITY.finditer(folded):
        start, end = match.span()
        read = _amount(match) if match["low"] is not None else _share(match, folded)
        if read is None or _quoted(folded, start):
            continue
        value, unit = read
        if _REFERENCE.search(folded, max(0, start - 8), start):
            continue
        if unit == "项" and _OPENING_ONLY.fullmatch(folded, 0, start):
            continue  # 32项推迟: the task, not an amount
        clause = _clause(folded, start)
        before, cue_ends = _cue_before(clause)
        after = _cue_after(folded, end)
        chinese = (
            match["half"] is not None
            or (match["low"] is not None and not match["low"][0].isdigit())
            or (match["tenths"] is not None and not match["tenths"][0].isdigit())
        )
        if chinese and not _chinese_stands(folded, end, cue_ends, after):
            continue
        score = before if before is not None else (after if after is not None else _NONE)
        if score >= _DONE and unit == "%":
            score = _SHARE
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        found.append((Quantity(value=value, unit=unit, start=start, end=end), score))
    return found


def read_quantities(text: str) -> list[Quantity]:
    """Every amount in ``text``, in order."""
    return [quantity for quantity, _ in _find(text)]


def read_quantity(text: str) -> Quantity | None:
    """The amount ``text`` reports: the first after a done cue (a share first), else the last."""
    found = _find(text)
    best = max((score for _, score in found), default=_ASIDE)
    if best == _ASIDE:
        return None
    ranked = [quantity for quantity, score in found if score == best]
    return ranked[0] if best >= _DONE else ranked[-1]
