"""From the clerk's words to changes over ids: names resolved, nothing guessed.

A leader is found by name (titles dropped: 李麟副主席 -> 李麟) among the active leaders and
admins; a department by its normalised name, else by its name without the bracketed part
(普及部 -> 普及部（中心）) or as the one department whose name holds it. A name found nowhere is
not invented: it comes back with the closest names the office has, for the chat to offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz, process
from sqlmodel import Session

from ledger.names import strip_title
from ledger.render import FIELD_NAMES, esc
from models.edits import DEPARTMENT_FIELDS, Change, office_departments, office_leaders
from nlu.deadline import parse_deadline
from nlu.edits import Edit
from nlu.i18n import N_, Translate
from nlu.names import normalise_department

SUGGEST_SCORE = 50  # rapidfuzz WRatio below which a name is no suggestion
SUGGESTIONS = 3

MODE_NAMES = {"add": N_("add {names}"), "remove": N_("remove {names}")}


@dataclass(frozen=True)
class Found:
    """Names resolved to ids (in the order written); those not found, with suggestions."""

    ids: tuple[int, ...] = ()
    names: tuple[str, ...] = ()  # as the ledger spells them
    unknown: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (as written, closest names)


def find_leaders(session: Session, written: Sequence[str]) -> Found:
    """The active leaders (and admins) called these names."""
    people = {person.name: person.id for person in office_leaders(session, admins=True)}
    return _find(written, people, strip_title)


def find_departments(session: Session, written: Sequence[str]) -> Found:
    """The departments called these names (普及部 finds 普及部（中心） when it is the only one)."""
    departments = {department.name: department.id for department in office_departments(session)}
    return _find(written, departments, normalise_department)


def _find(written: Sequence[str], known: dict[str, int | None], normal: object) -> Found:
    assert callable(normal)
    ids: list[int] = []
    names: list[str] = []
    unknown: list[tuple[str, tuple[str, ...]]] = []
    for raw in written:
        name = str(normal(raw))
        hit = _match(name, known)
        if hit is None:
            unknown.append((raw, _closest(name, known)))
            continue
        found = known[hit]
        if found is not None and found not in ids:
            ids.append(found)
            names.append(hit)
    return Found(tuple(ids), tuple(names), tuple(unknown))


def _match(name: str, known: dict[str, int | None]) -> str | None:
    if not name:
        return None
    if name in known:
        return name
    bare = [each for each in known if each.split("（")[0] == name]
    if len(bare) == 1:
        return bare[0]
    holding = [each for each in known if len(name) >= 2 and name in each]
    return holding[0] if len(holding) == 1 else None


def _closest(name: str, known: dict[str, int | None]) -> tuple[str, ...]:
    found = process.extract(name, list(known), scorer=fuzz.WRatio, limit=SUGGESTIONS)
    return tuple(each for each, score, _ in found if score >= SUGGEST_SCORE)


# --- saying what a change does --------------------------------------------------------------


def field_name(name: str, _: Translate) -> str:
    """What the chat calls a field changed by hand (render.FIELD_NAMES)."""
    return _(FIELD_NAMES.get(name, name))


def change_line(change: Change, names: Sequence[str], _: Translate) -> str:
    """One line of a preview: 责任领导 → 李麟; 完成时限 → 2025-06-30（6月底前）. HTML."""
    what = field_name(change.field, _)
    if change.field == "cancel":
        reason = change.text or _("no reason given")
        cancel = _("Cancel the task · reason: {reason}").format(reason=reason)
        return f"• {esc(cancel)}"
    if change.field in ("leader", *DEPARTMENT_FIELDS):
        joined = "、".join(names) or "-"
        if change.mode in MODE_NAMES:
            return f"• {esc(what)}: {esc(_(MODE_NAMES[change.mode]).format(names=joined))}"
        return f"• {esc(what)} → {esc(joined)}"
    if change.field == "due":
        day = change.due.isoformat() if change.due else change.due_text or "-"
        said = f"（{change.due_text}）" if change.due_text and change.due_text != day else ""
        return f"• {esc(what)} → {esc(day)}{esc(said)}"
    if change.field == "target":
        amount = f"{change.value:g}{change.unit}" if change.value is not None else "-"
        return f"• {esc(what)} → {esc(amount)}"
    return f"• {esc(what)} → {esc(change.text)}"


def done_lines(lines: Sequence[tuple[str, str, str]], _: Translate) -> list[str]:
    """What a made change says, field by field: 完成时限：2025-12-31 → 2025-06-30. HTML."""
    said = []
    for name, before, after in lines:
        if name == "cancel":
            cancelled = _("The task is cancelled.")
            said.append(f"• {esc(cancelled)}")
        else:
            said.append(f"• {esc(field_name(name, _))}: {esc(before)} → {esc(after)}")
    return said


@dataclass
class Unresolved:
    """What stops a change: names the ledger does not have (with suggestions)."""

    leaders: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    departments: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # fields said with nothing readable

    def __bool__(self) -> bool:
        return bool(self.leaders or self.departments or self.empty)

    def say(self, _: Translate) -> str:
        lines = []
        for kind, missing in (
            (_("leader"), self.leaders),
            (_("department"), self.departments),
        ):
            for name, closest in missing:
                line = _("I don't know the {kind} {name}.").format(kind=kind, name=esc(name))
                if closest:
                    line += " " + _("Did you mean {names}?").format(names=esc("、".join(closest)))
                lines.append(line)
        for name in self.empty:
            lines.append(_("I can't read the new {field}.").format(field=field_name(name, _)))
        return "\n".join(lines)


def _open_ended(words: str) -> bool:
    """持续推进, 长期坚持: a deadline that by design has no date (the grammar's "continuous")."""
    return bool(words) and parse_deadline(words, today=date(2000, 1, 1)).kind == "continuous"


def changes_from(
    session: Session, said: Sequence[Edit]
) -> tuple[list[Change], list[list[str]], Unresolved]:
    """The changes the words ask for, over ids, with each change's names as the ledger spells
    them; what cannot be resolved is returned instead of being guessed."""
    changes: list[Change] = []
    names: list[list[str]] = []
    unresolved = Unresolved()
    for edit in said:
        shown: tuple[str, ...] = ()
        if edit.field == "leader" or edit.field in DEPARTMENT_FIELDS:
            leader = edit.field == "leader"
            found = (find_leaders if leader else find_departments)(session, edit.names)
            (unresolved.leaders if leader else unresolved.departments).extend(found.unknown)
            if not edit.names or (not found.ids and edit.mode != "remove" and not found.unknown):
                unresolved.empty.append(edit.field)
            change = Change(edit.field, edit.mode, found.ids)
            shown = found.names
        elif edit.field == "due":
            open_ended = edit.due is None and _open_ended(edit.due_text)
            if edit.due is None and not open_ended:
                unresolved.empty.append("due")
            change = Change("due", due=edit.due, due_text=edit.due_text, open_ended=open_ended)
        elif edit.field == "target":
            if edit.quantity is None:
                unresolved.empty.append("target")
                continue
            change = Change("target", value=edit.quantity.value, unit=edit.quantity.unit)
        elif edit.field in ("content", "measures") and not edit.text.strip():
            unresolved.empty.append(edit.field)
            continue
        else:
            change = Change(edit.field, text=edit.text)
        changes.append(change)
        names.append(list(shown))
    return changes, names, unresolved
