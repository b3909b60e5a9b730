"""Bytes of a text document to str: UTF-8 (with or without BOM), UTF-16, GBK/GB18030."""

from __future__ import annotations

import re

import charset_normalizer

from ledger.draft import N_, LedgerError

# Control characters other than tab/newline/carriage return/form feed mark a binary file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def decode(data: bytes) -> str:
    """The document's text; LedgerError for an empty or binary file."""
    if not data.strip():
        raise LedgerError(N_("the file is empty"))
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"))
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise LedgerError(N_("the file is not a text document (binary content)"))
    return _checked(str(best))


def _checked(text: str) -> str:
    sample = text[:20000]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or controls > len(sample) // 100:
        raise LedgerError(N_("the file is not a text document (binary content)"))
    return text.replace("\r\n", "\n").replace("\r", "\n")
