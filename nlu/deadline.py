"""The deadline grammar: Chinese deadline phrases from documents and chat -> a Deadline.

(Interface placeholder; the grammar is being written.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

Kind = Literal["by", "on", "range", "recurring", "continuous", "relative", "unknown"]


@dataclass(frozen=True)
class Deadline:
    text: str
    due: date | None
    kind: Kind
    recurrence: str | None = None
    start: date | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "kind": self.kind,
            "recurrence": self.recurrence,
            "start": self.start.isoformat() if self.start else None,
        }


def parse_deadline(text: str, *, today: date, year: int | None = None) -> Deadline:
    """Read a deadline phrase; ``year`` is the document's year for year-less dates."""
    return Deadline(text=text, due=None, kind="unknown")
