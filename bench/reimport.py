"""Re-import an unchanged xlsx without a 序号 column: every task is matched by its content.

The cost should follow the rows read, not their square: 1k, 4k and 8k rows show the slope.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.xlsx_10k import NOW, ZONE, build
from ledger.importing import import_document
from models.db import ledger_engine

SIZES = (1_000, 4_000, 8_000)
RUNS = 5


def _reimport(rows: int, folder: Path) -> None:
    source = folder / f"unnumbered_{rows}.xlsx"
    build(source, rows, numbered=False)
    url = f"sqlite:///{folder / f'reimport_{rows}.sqlite'}"
    with ledger_engine(url):  # schema creation is start-up work, not import work
        pass
    import_document(source, database_url=url, now=NOW, zone=ZONE)
    start = time.perf_counter()
    import_document(source, database_url=url, now=NOW, zone=ZONE, dry_run=True)
    read = time.perf_counter() - start
    timings: list[float] = []
    unchanged = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        report = import_document(source, database_url=url, now=NOW, zone=ZONE).report
        timings.append(time.perf_counter() - start)
        unchanged = report.unchanged if report is not None else 0
    print(
        f"re-import {rows:,} unnumbered rows unchanged: p50 {statistics.median(timings):.2f} s, "
        f"best {min(timings):.2f} s, of which reading the xlsx {read:.2f} s "
        f"({unchanged:,} tasks matched unchanged; {RUNS} runs; target <= 2 s at 8,000)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for rows in SIZES:
            _reimport(rows, Path(folder))
