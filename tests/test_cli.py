"""The command line, as a user types it: import, tasks, parse-date, db."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from models.db import head_revision, session_scope
from models.tables import AuditEvent, Plan, Task
from tests.conftest import ROOT, SEED_004, run


def counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        return (
            session.exec(select(func.count()).select_from(Plan)).one(),
            session.exec(select(func.count()).select_from(Task)).one(),
            session.exec(select(func.count()).select_from(AuditEvent)).one(),
        )


def test_importing_seed_004_fills_the_ledger_and_a_second_import_changes_nothing(
    ledger: str, engine: Engine
) -> None:
    code, out = run("import", str(SEED_004), "--today", "2025-03-03")
    assert code == 0 and "added" in out
    plans, tasks, events = counts(engine)
    assert plans == 1 and tasks >= 38
    code, out = run("import", str(SEED_004), "--today", "2025-03-04")
    assert code == 0 and "nothing changed" in out
    assert counts(engine) == (plans, tasks, events)


def test_dry_run_json_has_the_documented_shape_and_writes_nothing(
    ledger: str, engine: Engine
) -> None:
    code, out = run("import", str(SEED_004), "--dry-run", "--json", "--today", "2025-03-03")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"plan", "tasks", "warnings"}
    assert result["plan"]["year"] == 2025
    keys = {"number", "category", "focus", "content", "measures", "lead_departments"}
    keys |= {"responsible", "leaders", "due", "due_text", "kind", "recurrence", "targets"}
    assert all(keys <= set(task) for task in result["tasks"])
    first = next(task for task in result["tasks"] if task["number"] == "1")
    assert first["leaders"] == ["郑昌盛", "陈汉平"]
    assert first["due"] == "2025-12-31" and first["kind"] == "by"
    assert counts(engine) == (0, 0, 0)


def broken_files(folder: Path) -> dict[str, Path]:
    files = {
        "empty": folder / "empty.txt",
        "binary": folder / "binary.txt",
        "no columns": folder / "no_columns.csv",
        "fake xlsx": folder / "fake.xlsx",
        "missing": folder / "missing.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(bytes(range(256)) * 40)
    files["no columns"].write_text("姓名,电话,住址\n张三,123,北京\n", encoding="utf-8")
    files["fake xlsx"].write_bytes(b"not a zip at all")
    return files


@pytest.mark.parametrize("kind", ["empty", "binary", "no columns", "fake xlsx", "missing"])
def test_broken_input_gets_one_line_a_non_zero_exit_and_no_change(
    kind: str, ledger: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run("import", str(SEED_004), "--today", "2025-03-03")
    before = counts(engine)
    capsys.readouterr()
    code, out = run("import", str(broken_files(tmp_path)[kind]))
    error = capsys.readouterr().err
    assert code != 0 and out == ""
    assert error.startswith("error: ") and error.count("\n") == 1
    assert counts(engine) == before


def test_tasks_lists_the_ledger_filtered_by_leader_department_and_date(ledger: str) -> None:
    run("import", str(SEED_004), "--today", "2025-03-03")
    code, out = run("tasks", "--leader", "李麟", "--json")
    views = json.loads(out)
    assert code == 0 and views and all("李麟" in v["leaders"] for v in views)
    code, out = run("tasks", "--department", "学会部", "--json")
    views = json.loads(out)
    assert views and all("学会部" in v["lead_departments"] + v["responsible"] for v in views)
    code, out = run("tasks", "--due-before", "2025-06-30", "--json")
    views = json.loads(out)
    assert views and all(v["due"] <= "2025-06-30" for v in views)
    dues = [v["due"] for v in views]
    assert dues == sorted(dues)
    code, out = run("tasks", "--leader", "nobody")
    assert "no tasks match" in out


def test_parse_date_prints_json_and_reads_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    code, out = run("parse-date", "6月底前", "--today", "2025-03-01", "--json")
    assert code == 0
    assert json.loads(out) == {
        "text": "6月底前",
        "due": "2025-06-30",
        "kind": "by",
        "recurrence": None,
        "start": None,
    }
    lines = "\n".join(
        json.dumps({"text": t, "today": "2025-03-03"}, ensure_ascii=False)
        for t in ("2025.12", "下周五", "看情况")
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines + "\n"))
    code, out = run("parse-date", "--batch")
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["due"] for r in results] == ["2025-12-31", "2025-03-14", None]
    assert results[2]["kind"] == "unknown" and results[2]["text"] == "看情况"


def test_python_m_bot_runs_as_a_program(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--db",
            f"sqlite:///{tmp_path / 'x.sqlite'}",
            "db",
            "upgrade",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(head_revision()) in result.stdout


def test_a_revised_document_updates_the_matching_task_and_says_what_changed(
    ledger: str, engine: Engine, tmp_path: Path
) -> None:
    run("import", str(SEED_004), "--today", "2025-03-03")
    plans, tasks, _ = counts(engine)
    revised = tmp_path / SEED_004.name
    text = SEED_004.read_text("utf-8")
    assert text.count("陈汉平\t2025.5") == 1
    revised.write_text(text.replace("陈汉平\t2025.5", "陈汉平\t2025.7"), "utf-8")
    code, out = run("import", str(revised), "--today", "2025-03-05")
    assert code == 0
    assert "0 added, 1 changed, 0 cancelled" in out
    assert "task 3: deadline, deadline as written" in out
    with session_scope(engine) as session:
        task = session.exec(select(Task).where(Task.number == "3")).one()
        assert task.due_text == "2025.7" and task.due is not None and task.due.month == 7
    assert counts(engine)[:2] == (plans, tasks)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    ledger: str,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("IMPORT_MAX_MB", "1")
    big = tmp_path / "big.txt"
    with big.open("wb") as file:  # sparse: 3 MB of nothing, never read
        file.truncate(3 * 1024 * 1024)
    code, out = run("import", str(big))
    error = capsys.readouterr().err
    assert (code, out) == (2, "")
    assert error == "error: big.txt is 3 MB, more than the 1 MB an import may be\n"
    assert counts(engine) == (0, 0, 0)
    monkeypatch.setenv("IMPORT_MAX_MB", "20")
    code, _ = run("import", str(SEED_004), "--today", "2025-03-03")  # a real list still fits
    assert code == 0


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_document_without_tasks_changes_nothing_and_says_so(
    dry_run: bool, ledger: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "会议通知.txt"
    notice.write_text("关于召开年度工作会议的通知\n\n请各部室负责人准时参加。\n", encoding="utf-8")
    code, out = run("import", str(notice), *(["--dry-run"] if dry_run else []))
    error = capsys.readouterr().err
    assert (code, out) == (2, "")
    assert error == "error: no task was found in 会议通知.txt: nothing was imported\n"
    assert counts(engine) == (0, 0, 0)  # no empty plan left behind


def test_an_import_counts_working_days_with_the_admins_make_up_days(
    ledger: str, tmp_path: Path
) -> None:
    plan = tmp_path / "慰问.csv"
    plan.write_text(
        "序号,主要任务,牵头单位,责任领导,完成时限\n1,做好春节前走访慰问,办公室,张三,3个工作日内\n",
        encoding="utf-8",
    )
    # From Friday 12 February 2027: Monday 15, 16 and 17 are three working days.
    code, out = run("import", str(plan), "--dry-run", "--json", "--today", "2027-02-12")
    assert code == 0 and json.loads(out)["tasks"][0]["due"] == "2027-02-17"
    code, _ = run("calendar", "set", "2027-02-14", "workday", "--note", "调休")
    assert code == 0
    code, out = run("import", str(plan), "--dry-run", "--json", "--today", "2027-02-12")
    assert code == 0 and json.loads(out)["tasks"][0]["due"] == "2027-02-16"
