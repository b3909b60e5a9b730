"""Chinese numerals: 十二, 两, 一百零五, 二〇二五, 1.5万 -> numbers.

The small-integer reader is hand-written because it sits on the deadline grammar's hot path and
must refuse sloppy runs such as 三五 (three-to-five, not 35); anything larger or fancier (万, 亿,
decimals, 壹贰) goes to the ``cn2an`` library, imported lazily because it costs ~0.3 s.
"""

from __future__ import annotations

import re
from functools import lru_cache

DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}

_ARABIC = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def small_chinese_int(text: str) -> int | None:
    """Read a Chinese integer below 10000 written with units (十二, 一百零五) or one digit (五)."""
    if not text:
        return None
    if len(text) == 1:
        if text in DIGITS:
            return DIGITS[text]
        return 10 if text == "十" else None
    total = 0
    pending: int | None = None  # a digit waiting for its unit
    last_unit = 10_000
    zero_seen = False
    for ch in text:
        if ch in DIGITS:
            value = DIGITS[ch]
            if value == 0:
                # 零 only bridges a gap (一百零五); two digits in a row (三五) are not a number.
                if pending is not None or zero_seen:
                    return None
                zero_seen = True
                continue
            if pending is not None:
                return None
            pending = value
        else:
            unit = UNITS.get(ch)
            if unit is None or unit >= last_unit:
                return None
            if pending is None:
                # A bare leading 十 means 一十 (十二 = 12); a bare 百 or a unit after 零 does not.
                if unit != 10 or total or zero_seen:
                    return None
                pending = 1
            total += pending * unit
            pending = None
            last_unit = unit
            zero_seen = False
    if pending is not None:
        # A trailing digit is ones only right after 十 or after 零 (一百零五); 一百五 is 150.
        if last_unit == 10 or zero_seen or last_unit == 10_000:
            total += pending
        else:
            total += pending * (last_unit // 10)
    return total


def digit_string(text: str) -> str | None:
    """Spell a run of bare Chinese digits as Arabic digits (二〇二五 -> "2025"), else None."""
    out = []
    for ch in text:
        value = DIGITS.get(ch)
        if value is None or ch == "两":
            return None
        out.append(str(value))
    return "".join(out)


@lru_cache(maxsize=4096)
def chinese_to_number(text: str) -> float | None:
    """Read a number written in Arabic, Chinese or mixed numerals; None when it is not one."""
    text = text.strip()
    if not text:
        return None
    if _ARABIC.fullmatch(text):
        return float(text)
    small = small_chinese_int(text)
    if small is not None:
        return float(small)
    spelled = digit_string(text)
    if spelled is not None:
        # 二〇二五 is a year read digit by digit; 三五 is "three or five", not 35.
        return float(spelled) if len(spelled) >= 4 or "0" in spelled else None
    import cn2an  # lazy: ~0.3 s to import

    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)
