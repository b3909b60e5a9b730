"""gettext catalogs (locale/<lang>/LC_MESSAGES/duban.mo): one translator per language.

Every layer that speaks to people (bot, handlers, scheduler) translates through here; the
layers below mark their messages with N_ and leave the translating to whoever shows them.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "duban"
LANGUAGES = ("zh_CN", "en")

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a message for translation; it is translated where it is shown."""
    return message


def language_for(code: str | None, default: str = LANGUAGES[0]) -> str:
    """Our language for a Telegram language_code ("zh-hans", "en-US", …)."""
    if not code:
        return default
    code = code.lower()
    if code.startswith("zh"):
        return "zh_CN"
    if code.startswith("en"):
        return "en"
    return default


@cache
def translator(language: str) -> Translate:
    """The ``_`` for ``language`` (zh_CN or en); unknown languages get the first one."""
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True).gettext
