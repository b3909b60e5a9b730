"""The bot's chat state kept across restarts (ChatState rows); bot.persistence is its one user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from models.tables import ChatState


def chat_states(session: Session, *, kind: str, name: str | None = None) -> list[ChatState]:
    """Every entry of ``kind`` (only those of ``name`` when given)."""
    query = select(ChatState).where(ChatState.kind == kind)
    if name is not None:
        query = query.where(ChatState.name == name)
    return list(session.exec(query))


def put_chat_state(
    session: Session, *, kind: str, name: str, key: str, value: str, now: datetime
) -> None:
    """Store ``value`` under (kind, name, key), replacing what was there, in one statement."""
    dialect = session.get_bind().dialect.name
    insert: Any
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:  # both speak INSERT … ON CONFLICT; nothing else is shipped
        raise NotImplementedError(f"no upsert for the {dialect} dialect")
    statement = insert(ChatState).values(kind=kind, name=name, key=key, value=value, updated_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "name", "key"],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
    )


def delete_chat_state(session: Session, *, kind: str, name: str, key: str) -> None:
    """Forget the entry (kind, name, key); nothing happens if there is none."""
    session.execute(
        delete(ChatState).where(
            col(ChatState.kind) == kind, col(ChatState.name) == name, col(ChatState.key) == key
        )
    )


def delete_chat_states_before(session: Session, *, kind: str, name: str, before: datetime) -> int:
    """Forget the entries of (kind, name) last written before ``before``; how many there were."""
    result = session.execute(
        delete(ChatState).where(
            col(ChatState.kind) == kind,
            col(ChatState.name) == name,
            col(ChatState.updated_at) < before,
        )
    )
    return int(getattr(result, "rowcount", 0))
