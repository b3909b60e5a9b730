"""Full-text search over tasks, by the database's own index, alike on SQLite and PostgreSQL.

Chinese has no spaces, so a task's words are stored as overlapping character pairs: 科普大篷车
is 科普 普大 大篷 篷车 车, each run of Chinese ending with its last character alone, Latin words
whole and lowercased. A term is then a phrase of its pairs (大篷车 → 大篷 篷车), found exactly
where the text holds the term: a two-character term (讲堂, 年检) is a single pair, one character
a prefix (讲 → every pair starting with 讲). SQLite keeps the pairs in an FTS5 table, PostgreSQL
in a tsvector with a GIN index; both are given the same tokens at the same positions and asked
the same phrases, so both find the same tasks.

The index is kept in step inside the transaction that changes a task: ``insert_tasks`` indexes
the rows it inserts, and a flush of Task objects whose words changed re-indexes them
(``_reindex_flushed``). Deleting a task drops its entry (a foreign key on PostgreSQL, a trigger
on SQLite: models/migrations 0009).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    bindparam,
    cast,
    column,
    event,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import attributes
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from models.tables import SEARCH_TABLE, Task

TABLE = SEARCH_TABLE
_WORD_FIELDS = ("focus", "content", "measures")
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
# The index as each database holds it (models/migrations 0009); not models: SQLite's is a
# virtual table, and neither is ever written through the ORM.
_FTS5 = table(TABLE, column("rowid"), column("title"), column("body"))
_TSVECTOR = table(TABLE, column("task_id"), column("doc"))
_MAX_POSITION = 16383  # PostgreSQL keeps no position beyond this
_CHUNK = 2000


def _runs(words: str) -> list[str]:
    return _RUNS.findall(unicodedata.normalize("NFKC", words).lower())


def _is_latin(run: str) -> bool:
    return run.isascii()


def tokens(words: str) -> list[str]:
    """The tokens a text is indexed as, in order: 科普大篷车 → 科普 普大 大篷 篷车 车."""
    found: list[str] = []
    for run in _runs(words):
        if _is_latin(run):
            found.append(run)
        else:
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
            found.append(run[-1])  # every character starts a token, and runs stay apart
    return found


def phrase(term: str) -> tuple[list[str], bool] | None:
    """The tokens a term is looked up by, and whether the last one is a prefix; None when the
    term holds nothing indexable (punctuation only)."""
    runs = _runs(term)
    if not runs:
        return None
    found: list[str] = []
    for index, run in enumerate(runs):
        last = index == len(runs) - 1
        if _is_latin(run) or len(run) == 1:
            found.append(run)
        else:
            found.extend(run[i : i + 2] for i in range(len(run) - 1))
            if not last:
                found.append(run[-1])
    # Text may go on after the term: its last word may be longer (app → application), its
    # last lone character the start of a pair (场 → 场次).
    prefix = _is_latin(runs[-1]) or len(runs[-1]) == 1
    return found, prefix


# --- asking ---------------------------------------------------------------------------------


def _tsquery_type() -> Any:
    from sqlalchemy.dialects.postgresql import TSQUERY  # only a PostgreSQL ledger loads it

    return TSQUERY


def _fts5_query(tokens_: list[str], prefix: bool) -> str:
    return '"' + " ".join(tokens_) + '"' + (" *" if prefix else "")


def _tsquery(tokens_: list[str], prefix: bool) -> str:
    quoted = [f"'{token}'" for token in tokens_]
    if prefix:
        quoted[-1] += ":*"
    return " <-> ".join(quoted)


def holding(session: Session, term: str) -> Select[Any] | None:
    """A query for the ids (column ``task_id``) of the tasks whose words hold ``term``;
    None when the term holds nothing to look for."""
    found = phrase(term)
    if found is None:
        return None
    if session.get_bind().dialect.name == "postgresql":
        query = bindparam(None, _tsquery(*found), type_=_tsquery_type())
        return select(_TSVECTOR.c.task_id).where(_TSVECTOR.c.doc.op("@@")(query))
    match = literal_column(TABLE).op("MATCH")(bindparam(None, _fts5_query(*found)))
    return select(_FTS5.c.rowid.label("task_id")).where(match)


# --- what task matching reads (nlu.match weighs it) ------------------------------------------

DOCS_CAP = 300  # a pair held by more tasks than this tells little; counting on costs more
CANDIDATES = 500  # tasks scored for one message at most: more are words too common to tell


def _token_match(session: Session, tokens_: Sequence[str]) -> ColumnElement[bool]:
    """Where the task holds any of these whole tokens (no phrase, no prefix)."""
    if session.get_bind().dialect.name == "postgresql":
        query = bindparam(
            None, " | ".join(f"'{token}'" for token in tokens_), type_=_tsquery_type()
        )
        return _TSVECTOR.c.doc.op("@@")(query)
    wanted = " OR ".join(f'"{token}"' for token in tokens_)
    return literal_column(TABLE).op("MATCH")(bindparam(None, wanted))


def _index(session: Session) -> Any:
    return _TSVECTOR if session.get_bind().dialect.name == "postgresql" else _FTS5


def docs_holding(session: Session, pairs: Sequence[str]) -> dict[str, int]:
    """How many tasks hold each of these tokens (at most DOCS_CAP), in one statement; tokens
    no task holds are left out."""
    wanted = sorted({pair for pair in pairs if _RUNS.fullmatch(pair)})
    if not wanted:
        return {}
    counts = [
        select(
            literal(pair).label("pair"),
            select(func.count())
            .select_from(
                select(literal_column("1"))
                .select_from(_index(session))
                .where(_token_match(session, [pair]))
                .limit(DOCS_CAP)
                .subquery()
            )
            .scalar_subquery()
            .label("docs"),
        )
        for pair in wanted
    ]
    rows = session.execute(counts[0] if len(counts) == 1 else union_all(*counts)).all()
    return {pair: docs for pair, docs in rows if docs}


def vocabulary(session: Session) -> tuple[int, list[int]]:
    """(how many tasks are indexed, how many tasks hold each token of the index): what a
    pair's weight is measured against. Read once per ledger revision: it reads the whole
    vocabulary."""
    if session.get_bind().dialect.name == "postgresql":
        tasks = session.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()
        rows = session.execute(
            text(f"SELECT word, ndoc FROM ts_stat('SELECT doc FROM {TABLE}')")
        ).all()
    else:
        tasks = session.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()
        rows = session.execute(text(f"SELECT term, doc FROM {TABLE}_vocab")).all()
    # Run-final characters are the index's, not pairs of words (科普大篷车 ends in 车).
    return int(tasks), [int(docs) for word, docs in rows if len(word) > 1 or word.isascii()]


def candidates(
    session: Session,
    pairs: Sequence[str],
    *,
    weighed: Collection[str],
    plans: Sequence[int] | None,
) -> list[tuple[int, set[str], set[str]]]:
    """The tasks not cancelled (of ``plans``, every plan when None) holding any of ``pairs``,
    each with those of the ``weighed`` tokens in its title (key work, content) and those in
    its measures only; at most CANDIDATES of them. Only the weighed tokens are looked for in
    each task's words: reading every token of hundreds of tasks cost more than the query."""
    wanted = [pair for pair in pairs if _RUNS.fullmatch(pair)]
    if not wanted:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    words: list[Any] = [cast(_TSVECTOR.c.doc, Text)] if postgres else [_FTS5.c.title, _FTS5.c.body]
    task_id = _TSVECTOR.c.task_id if postgres else _FTS5.c.rowid
    query = (
        select(task_id, *words)
        .select_from(_index(session))
        .join(Task, col(Task.id) == task_id)
        .where(_token_match(session, wanted), col(Task.status) != "cancelled")
        .limit(CANDIDATES)
    )
    if plans is not None:
        query = query.where((col(Task.plan_id) + 0).in_(list(plans)))
    tokens_ = [token for token in weighed if _RUNS.fullmatch(token)]
    found: list[tuple[int, set[str], set[str]]] = []
    for row in session.execute(query):
        if postgres:
            title, body = _held_in_vector(row[1], tokens_)
        else:
            title, body = _held_in(row[1], tokens_), _held_in(row[2], tokens_)
        found.append((row[0], title, body - title))
    return found


def _held_in(words: str, tokens_: Sequence[str]) -> set[str]:
    """Which of these tokens stand among space-separated ``words``."""
    padded = f" {words} "
    return {token for token in tokens_ if f" {token} " in padded}


def _held_in_vector(vector: str, tokens_: Sequence[str]) -> tuple[set[str], set[str]]:
    """Which of these tokens a tsvector's text holds in the title (weight A), and which in
    the body (the others): 'token':3A,9 is in both."""
    title: set[str] = set()
    body: set[str] = set()
    for token in tokens_:
        at = vector.find(f"'{token}':")
        if at < 0:
            continue
        spots = vector[at + len(token) + 3 :].split(" ", 1)[0].split(",")
        if any(spot.endswith("A") for spot in spots):
            title.add(token)
        if any(not spot.endswith("A") for spot in spots):
            body.add(token)
    return title, body


# --- keeping the index in step --------------------------------------------------------------


def _document(focus: str | None, content: str | None, measures: str | None) -> tuple[str, str]:
    """(title, body) tokens as space-separated text: the key work and content, the measures."""
    title = tokens(" ".join(part for part in (focus, content) if part))
    return " ".join(title), " ".join(tokens(measures or ""))


def _tsvector(title: str, body: str) -> str:
    """A tsvector literal with the positions FTS5 would give (title first, then the body)."""
    places: dict[str, list[str]] = {}
    position = 0
    for weight, words in (("A", title), ("D", body)):
        for token in words.split():
            position += 1
            spot = str(min(position, _MAX_POSITION)) + ("A" if weight == "A" else "")
            places.setdefault(token, []).append(spot)
        position += 1  # the title's last token and the body's first are not neighbours
    return " ".join(f"'{token}':{','.join(spots)}" for token, spots in places.items())


Row = tuple[int, str | None, str | None, str | None]  # id, focus, content, measures


def index_rows(session: Session | OrmSession, rows: Iterable[Row]) -> None:
    """(Re-)index these tasks from their words, in the caller's transaction."""
    rows = list(rows)
    if not rows:
        return
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        docs = [(task_id, *_document(*words)) for task_id, *words in chunk]
        if postgres:
            connection.execute(
                text(
                    f"INSERT INTO {TABLE} (task_id, doc) VALUES (:id, CAST(:doc AS tsvector)) "
                    "ON CONFLICT (task_id) DO UPDATE SET doc = EXCLUDED.doc"
                ),
                [{"id": id_, "doc": _tsvector(title, body)} for id_, title, body in docs],
            )
            continue
        ids = ", ".join(str(id_) for id_, _, _ in docs)  # integers from the ledger itself
        connection.execute(text(f"DELETE FROM {TABLE} WHERE rowid IN ({ids})"))
        connection.execute(
            text(f"INSERT INTO {TABLE} (rowid, title, body) VALUES (:id, :title, :body)"),
            [{"id": id_, "title": title, "body": body} for id_, title, body in docs],
        )


def reindex(session: Session, *, ids: Sequence[int] | None = None) -> int:
    """Index these tasks (every task when None) from what the ledger holds; how many."""
    query = select(col(Task.id), col(Task.focus), col(Task.content), col(Task.measures))
    if ids is not None:
        query = query.where(col(Task.id).in_(list(ids)))
    rows: list[Row] = [(id_, *words) for id_, *words in session.execute(query)]
    index_rows(session, rows)
    return len(rows)


@event.listens_for(OrmSession, "after_flush")
def _reindex_flushed(session: OrmSession, _context: Any) -> None:
    """Tasks added or whose words changed through the ORM are indexed in the same flush."""
    rows: list[Row] = []
    for task in (*session.new, *session.dirty):
        if not isinstance(task, Task) or task.id is None:
            continue
        if task not in session.new and not any(
            attributes.get_history(task, name).has_changes() for name in _WORD_FIELDS
        ):
            continue
        rows.append((task.id, task.focus, task.content, task.measures))
    index_rows(session, rows)
