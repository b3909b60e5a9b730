"""Generate a 10,000-row .xlsx task list and import it into a fresh SQLite ledger."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from ledger.importing import import_document
from models.db import make_engine, upgrade

ROWS = 10_000
NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")
LEADERS = ["郑昌盛", "陈汉平", "李麟", "李义词"]
DEPARTMENTS = ["办公室", "学会部", "组宣部", "普及部（中心）", "市科技馆"]
DEADLINES = ["2025.12", "6月底前", "年底前", "2025年9月", "每季度末", "持续推进"]


def build(path: Path, rows: int = ROWS, *, numbered: bool = True) -> None:
    """A write-only workbook in a common office layout, with quantitative targets.

    Without ``numbered`` there is no 序号 column: a re-import then matches tasks by content.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet("任务清单")
    header = ["重点工作", "工作内容", "工作措施", "牵头单位", "责任单位", "责任领导", "完成时间"]
    sheet.append(["序号", *header] if numbered else header)
    for n in range(1, rows + 1):
        row = [
            f"重点工作{n // 25}",
            f"第{n}项任务：组织开展科普活动不少于{n % 50 + 1}场，发布信息{n % 7 + 2}篇",
            f"1. 制定方案。2. 举办培训班{n % 5 + 1}期。",
            DEPARTMENTS[n % 5],
            f"{DEPARTMENTS[(n + 1) % 5]}、{DEPARTMENTS[(n + 2) % 5]}",
            f"{LEADERS[n % 4]} {LEADERS[(n + 1) % 4]}",
            DEADLINES[n % len(DEADLINES)],
        ]
        sheet.append([n, *row] if numbered else row)
    book.save(path)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "tasks_10000.xlsx"
        build(source)
        url = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        upgrade(make_engine(url))
        start = time.perf_counter()
        parsed = import_document(source, database_url=url, now=NOW, zone=ZONE, dry_run=True).parsed
        read = time.perf_counter() - start
        start = time.perf_counter()
        parsed = import_document(source, database_url=url, now=NOW, zone=ZONE).parsed
        total = time.perf_counter() - start
    print(
        f"xlsx with {ROWS:,} rows: read {read:.2f} s, read + write {len(parsed.tasks):,} tasks "
        f"into SQLite {total:.2f} s (target <= 5 s)"
    )
