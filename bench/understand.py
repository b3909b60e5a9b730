"""Benchmark: understanding a message, warm, on the seed 004 ledger.

Every message of the labelled set (tests/data/messages.jsonl, 400-odd as office staff type
them) is read twice as its sender would send it: once to warm the caches (jieba, cn2an, the
regexes), then timed. Two figures: the words alone (nlu.understand) and the whole use-case
against the ledger (ledger.understanding: names, task numbers, matching words to the tasks
the sender may see), which is what a message costs the bot before it answers.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.settings import PROJECT_ROOT
from ledger.demo import add_demo_people
from ledger.importing import import_document
from ledger.understanding import understand_message
from models.access import known_names
from models.db import ledger_engine, session_scope
from models.queries import person_named
from nlu.understand import understand

SET = PROJECT_ROOT / "tests" / "data" / "messages.jsonl"
SEED = PROJECT_ROOT / "examples" / "004_e60f2dc0b4861f44.txt"
NOW = datetime(2025, 5, 26, 4, 0, tzinfo=UTC)


def _figures(label: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(
        f"  {label}: mean {statistics.mean(seconds) * 1000:.2f} ms · "
        f"p50 {statistics.median(seconds) * 1000:.2f} ms · p95 {p95 * 1000:.2f} ms "
        f"· max {ordered[-1] * 1000:.2f} ms"
    )


def main() -> None:
    items = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.sqlite'}"
        import_document(SEED, database_url=url, now=NOW, zone=ZoneInfo("Asia/Shanghai"))
        with ledger_engine(url) as engine:
            with session_scope(engine) as session:
                add_demo_people(session, now=NOW)
            with session_scope(engine) as session:
                leaders, departments = known_names(session)
                people = {item["as"]: person_named(session, name=item["as"]) for item in items}
                words: list[float] = []
                whole: list[float] = []
                for timed in (False, True):
                    for item in items:
                        today = date.fromisoformat(item["today"])
                        start = time.perf_counter()
                        understand(
                            item["text"], today=today, leaders=leaders, departments=departments
                        )
                        middle = time.perf_counter()
                        person = people[item["as"]]
                        assert person is not None
                        understand_message(session, person=person, text=item["text"], today=today)
                        end = time.perf_counter()
                        if timed:
                            words.append(middle - start)
                            whole.append(end - middle)
                session.rollback()
    print(f"understand: {len(items)} labelled messages, warm, seed 004 ledger (SQLite)")
    _figures("the words alone (nlu.understand)", words)
    _figures("against the ledger (ledger.understanding)", whole)


if __name__ == "__main__":
    main()
