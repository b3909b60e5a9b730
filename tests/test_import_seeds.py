"""The real documents, read end to end (reader + deadlines + targets), as the importer sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.importer import ParsedPlan, read_document
from tests.conftest import EXAMPLES, SEED_004, TODAY


def read(name: str) -> ParsedPlan:
    return read_document(next(EXAMPLES.glob(f"{name}_*.txt")), today=TODAY)


def by_number(plan: ParsedPlan) -> dict[str | None, dict[str, object]]:
    return {task.number: task.as_json() for task in plan.tasks if task.number}


def test_seed_004_reads_every_task_with_leaders_departments_deadline_and_targets() -> None:
    plan = read("004")
    assert plan.title == "黄石市科协2025年重点工作任务分解清单" and plan.year == 2025
    assert 38 <= len(plan.tasks) <= 42
    tasks = by_number(plan)
    assert tasks["1"]["leaders"] == ["郑昌盛", "陈汉平"]
    assert tasks["1"]["lead_departments"] == ["办公室", "机关党委"]
    assert tasks["1"]["due"] == "2025-12-31" and tasks["1"]["kind"] == "by"
    assert tasks["3"]["due"] == "2025-05-31"
    assert tasks["30"]["due"] == "2025-02-28"
    assert tasks["33"]["leaders"] == ["李义词", "郑昌盛", "陈汉平"]
    assert tasks["33"]["due"] == "2025-09-30"
    assert tasks["13"]["lead_departments"] == ["普及部（中心）"]
    assert tasks["13"]["responsible"] == ["市科技馆", "各县（市、区）科协"]
    targets = {(t["metric"], t["value"], t["unit"]) for t in tasks["15"]["targets"]}  # type: ignore[attr-defined]
    assert ("科普大篷车巡展", 40, "场") in targets
    leaders = {name for task in plan.tasks for name in task.leaders}
    assert leaders == {"郑昌盛", "陈汉平", "李麟", "李义词"}
    # every task has a leader and a readable deadline in this document
    assert all(task.leaders and task.deadline.due for task in plan.tasks)


def test_seed_004_in_gb18030_reads_the_same(tmp_path: Path) -> None:
    copy = tmp_path / "清单.txt"
    copy.write_bytes(SEED_004.read_text("utf-8").encode("gb18030"))
    gbk = read_document(copy, today=TODAY)
    utf8 = read("004")
    assert [t.as_json() for t in gbk.tasks] == [t.as_json() for t in utf8.tasks]


def test_seed_002_yields_its_15_points_with_warnings_for_leader_and_deadline() -> None:
    plan = read("002")
    assert [task.number for task in plan.tasks] == [str(n) for n in range(1, 16)]
    assert plan.year == 2025
    rendered = [notice.render() for notice in plan.warnings]
    assert sum("no responsible leader" in text for text in rendered) == 15
    assert sum("no deadline" in text for text in rendered) == 15


def test_seed_000_yields_only_the_2025_work() -> None:
    plan = read("000")
    assert plan.year == 2025 and len(plan.tasks) == 4
    assert not any("2024" in task.content for task in plan.tasks)


@pytest.mark.parametrize("name", ["003"])
def test_a_narrative_notice_yields_few_or_no_tasks_and_says_so(name: str) -> None:
    plan = read(name)
    assert len(plan.tasks) <= 3
    assert any("notice" in notice.render() for notice in plan.warnings)
