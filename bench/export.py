"""The 台账 export of a 10,000-task ledger: .xlsx (goal: at most 3 s) and .csv.

The ledger is bench.xlsx_10k's workbook imported into SQLite, as bench.bot builds it, with a
progress report on one task in four (the last-report columns and each party's part filled in).
Each run is ledger.export.export, as /export and `python -m bot export` run it: read the ledger
and write the file. p50 and p95 over several runs, after one to warm up, with the CPU time (the
wall time on a busy machine is longer) and the reading alone.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import col, select

from bench.harness import percentile
from bench.xlsx_10k import ROWS, build
from ledger.export import export, gather
from ledger.importing import import_document
from ledger.lights import Lights
from models.db import ledger_engine, make_engine, session_scope, upgrade
from models.reports import record_progress
from models.tables import Target, TaskLeader
from nlu.i18n import translator

NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
TODAY = date(2025, 5, 26)
ZONE = ZoneInfo("Asia/Shanghai")
RUNS = 7
REPORTED_EVERY = 4  # one task in four has a progress report


def _ledger(folder: Path) -> str:
    """10,000 tasks from the workbook; the lead leader reports progress on one in four."""
    source = folder / "tasks.xlsx"
    build(source)
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    upgrade(make_engine(url))
    import_document(source, database_url=url, now=NOW, zone=ZONE)
    with ledger_engine(url) as engine, session_scope(engine) as session:
        leads = session.exec(
            select(TaskLeader.task_id, TaskLeader.person_id)
            .where(TaskLeader.position == 0)
            .order_by(col(TaskLeader.task_id))
        ).all()
        targets = dict(
            session.exec(select(Target.task_id, Target.id).where(Target.position == 0)).all()
        )
        for n, (task_id, person_id) in enumerate(leads[::REPORTED_EVERY]):
            target_id = targets.get(task_id)
            record_progress(
                session,
                task_id=task_id,
                person_id=person_id,
                text=f"已完成{n % 9 + 1}场，下一步继续推进",
                amount=float(n % 9 + 1) if target_id is not None else None,
                target_id=target_id,
                now=NOW + timedelta(days=n % 60),
            )
    return url


def _timed(label: str, engine: Engine, kind: str) -> None:
    """Seconds of ledger.export.export (read the ledger, write the file), and of the reading
    alone, over RUNS runs after one to warm up."""
    _ = translator("zh_CN")
    totals: list[float] = []
    cpu: list[float] = []
    reads: list[float] = []
    size = 0
    for run in range(RUNS + 1):
        with session_scope(engine) as session:
            start, start_cpu = time.perf_counter(), time.process_time()
            exported = export(
                session,
                kind=kind,
                person=None,
                plans=None,
                today=TODAY,
                zone=ZONE,
                lights=Lights(),
                _=_,
            )
            total, total_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        with session_scope(engine) as session:
            start = time.perf_counter()
            gather(session, person=None, plans=None, today=TODAY, zone=ZONE, lights=Lights())
            read = time.perf_counter() - start
        size = len(exported.content)
        if run:  # the first run warms the caches
            totals.append(total)
            cpu.append(total_cpu)
            reads.append(read)
    print(
        f"  {label:<5} p50 {statistics.median(totals):5.2f} s   p95 "
        f"{percentile(totals, 0.95):5.2f} s   (CPU p50 {statistics.median(cpu):4.2f} s; "
        f"reading the ledger p50 {statistics.median(reads):4.2f} s)   "
        f"{size / 1024 / 1024:.1f} MB"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, ledger_engine(_ledger(Path(folder))) as engine:
        print(f"export: the 台账 of {ROWS:,} tasks (SQLite), {RUNS} runs (goal: xlsx <= 3 s):")
        _timed("xlsx", engine, "xlsx")
        _timed("csv", engine, "csv")


if __name__ == "__main__":
    main()
