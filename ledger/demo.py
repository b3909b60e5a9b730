"""The people of the console demo, beside the leaders the imported seed 004 names.

The demo ledger is a real import of seed 004; these are the clerk and a few staff members of
its departments, so that reporting, review and extensions can be tried from the console
(``python -m bot console --as 王芳``) without inviting anyone.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.people import person_for_invite
from models.tables import Role

# (name, department, role): staff report for their department's tasks; the clerk sees all.
DEMO_PEOPLE: tuple[tuple[str, str | None, Role], ...] = (
    ("周婷", None, Role.admin),
    ("王芳", "普及部（中心）", Role.staff),
    ("刘洋", "市科技馆", Role.staff),
    ("张伟", "学会部", Role.staff),
    ("赵敏", "组宣部", Role.staff),
    ("孙丽", "办公室", Role.staff),
)


def add_demo_people(session: Session, *, now: datetime) -> None:
    """Add the demo's clerk and staff (again: nothing changes for those already there)."""
    for name, department, role in DEMO_PEOPLE:
        person_for_invite(session, name=name, now=now, department=department, role=role)
