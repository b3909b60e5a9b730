"""`python -m bot export --format xlsx|csv -o FILE [--plan ID|YEAR] [--today YYYY-MM-DD]`.

The 台账 as the office clerk sees it: every task of the ledger (or of one year's plans, or of
one plan), every field, the summary sheet in a workbook. The file appears whole or not at all:
it is written beside its final name and moved into place.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.cli import _plans_named  # the one reading of --plan ID|YEAR
from bot.settings import Settings
from ledger.draft import LedgerError
from ledger.export import export
from models.db import ledger_engine, session_scope
from nlu.i18n import N_, Translate


def cmd_export(args: argparse.Namespace, settings: Settings, out: TextIO, _: Translate) -> int:
    path: Path = args.output
    kind = args.format or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
    today = args.today or datetime.now(settings.zone).date()
    with ledger_engine(settings.database_url) as engine, session_scope(engine) as session:
        plans = _plans_named(session, args.plan) if args.plan is not None else None
        exported = export(
            session,
            kind=kind,
            person=None,
            plans=plans,
            today=today,
            zone=settings.zone,
            lights=settings.lights,
            _=_,
        )
    try:
        write_atomically(path, exported.content)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise LedgerError(
            N_("cannot write {path}: {reason}"), path=str(path), reason=reason
        ) from error
    message = (
        _("1 task written to {path}")
        if exported.count == 1
        else _("{count} tasks written to {path}")
    )
    out.write(message.format(count=exported.count, path=path) + "\n")
    return 0


def write_atomically(path: Path, content: bytes) -> None:
    """``content`` at ``path``, whole: written to a file beside it, then moved into place."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
