"""gettext catalogs (locale/<lang>/LC_MESSAGES/duban.mo), one translator per language."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache

from bot.settings import LANGUAGES, PROJECT_ROOT

LOCALE_DIR = PROJECT_ROOT / "locale"
DOMAIN = "duban"

Translate = Callable[[str], str]


@cache
def translator(language: str) -> Translate:
    """The ``_`` for ``language`` (zh_CN or en); unknown languages fall back to the msgid."""
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True).gettext
