"""The ledger's revision, and what is built from the ledger and kept while it stands.

Database triggers move ``LedgerRevision.value`` whenever a name, a plan or a task's words
change, whatever statement changed them (models/migrations 0009): reading it is one indexed
row, where comparing the tables themselves cost a count of each. What the chat reads on every
message (the names it knows, the plans in scope, the weights of words) is built once per revision.

A session remembers the revision it read (the sender's lookup reads it with the person, in the
same statement) until it flushes a change of its own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from models.tables import LedgerRevision

_KEY = "ledger_revision"
T = TypeVar("T")


def revision_column() -> Any:
    """The revision as a scalar subquery, to read beside something else in one statement."""
    return select(LedgerRevision.value).where(LedgerRevision.id == 1).scalar_subquery()


def remember(session: Session, revision: int) -> None:
    """Note the revision this session read (with the sender, say), so it is not read again."""
    session.info[_KEY] = revision


def revision(session: Session) -> int:
    """The ledger's revision as this session sees it."""
    found = session.info.get(_KEY)
    if not isinstance(found, int):
        value = session.exec(select(LedgerRevision.value)).first()
        found = session.info[_KEY] = int(value or 0)
    return found


_WROTE = "ledger_written"


@event.listens_for(OrmSession, "after_flush")
def _forget(session: OrmSession, _context: Any) -> None:
    """A session that wrote may have moved the revision: it reads it again when next asked."""
    session.info.pop(_KEY, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    """Mark a connection whose transaction wrote: it caches nothing until the transaction ends,
    for what it sees may yet be rolled back (ORM flushes and Core statements alike)."""
    if not statement.lstrip()[:6].upper().startswith(("SELECT", "PRAGMA", "WITH")):
        connection.info[_WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _settled(connection: Connection) -> None:
    connection.info.pop(_WROTE, None)


class PerRevision(Generic[T]):
    """Values built from the ledger, each kept until the ledger's revision moves.

    Keyed by the database too (an office has one; tests have many), and bounded: the least
    recently used goes first.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._found: OrderedDict[tuple[Hashable, ...], T] = OrderedDict()

    def get(self, session: Session, key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
        if session.connection().info.get(_WROTE):
            session.info.pop(_KEY, None)
            return build()
        full = (str(session.get_bind().engine.url), revision(session), *key)
        if full in self._found:
            self._found.move_to_end(full)
            return self._found[full]
        value = self._found[full] = build()
        if len(self._found) > self._size:
            self._found.popitem(last=False)
        return value
