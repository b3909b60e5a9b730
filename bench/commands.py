"""Benchmark: quick commands as processes, from start to exit (target: parse-date ≤ 0.4 s).

What a person waits for at the terminal, which is mostly imports: `python -m bot parse-date`,
`understand` and `tasks` on a small SQLite ledger (examples/004), each run RUNS times after a
warm-up run, in the environment as it is (with PYTHONDONTWRITEBYTECODE set, every run compiles
the project's own modules anew). It prints the median and the fastest run of each.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT

SEED = PROJECT_ROOT / "examples" / "004_e60f2dc0b4861f44.txt"
RUNS = 10


def _bot(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "bot", *arguments]


def _seconds(command: list[str]) -> float:
    """One run of ``command`` from start to exit, in seconds; a failure stops the benchmark."""
    start = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, env=os.environ, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        ledger = f"sqlite:///{Path(folder) / 'ledger.sqlite'}"
        nowhere = f"sqlite:///{Path(folder) / 'none.sqlite'}"  # no file: nothing to read
        seeding = _bot("--db", ledger, "import", str(SEED))
        subprocess.run(seeding, cwd=PROJECT_ROOT, capture_output=True, check=True)
        message = ("第5项办完了", "--as", "郑昌盛", "--today", "2025-05-26")
        commands = {
            "parse-date 6月底前 (no database)": _bot("--db", nowhere, "parse-date", "6月底前"),
            "parse-date 6月底前 (on the ledger)": _bot("--db", ledger, "parse-date", "6月底前"),
            "understand 第5项办完了": _bot("--db", ledger, "understand", *message),
            "tasks (38 tasks)": _bot("--db", ledger, "tasks"),
        }
        print(f"commands: python -m bot … as a process, {RUNS} runs after a warm-up")
        for label, command in commands.items():
            _seconds(command)
            runs = [_seconds(command) for _ in range(RUNS)]
            print(f"  {label}: p50 {statistics.median(runs):.3f} s · best {min(runs):.3f} s")


if __name__ == "__main__":
    main()
