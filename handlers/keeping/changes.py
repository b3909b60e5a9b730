"""Making a change and telling the people it concerns: the one path every button and message
takes (the edit card's pickers and the confirmed previews alike)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from handlers.common import Asker, Services
from handlers.steps import Out
from ledger import render
from ledger.keeping import done_lines
from ledger.render import esc
from models.edits import Change, Changed, EditError, TaskClosed, apply_changes
from models.edits import NotAllowed as EditNotAllowed
from models.queries import task_views
from models.tables import Person
from nlu.i18n import N_, Translate, translator

NOT_ALLOWED = N_(
    "Only the office clerk changes the ledger; a leader may move a task between the "
    "departments they oversee. Nothing was changed."
)
GONE = N_("That task is no longer there. Nothing was changed.")


def task_title(session: Session, task_id: int, _: Translate) -> str:
    """第3项 加强… as the keeping messages name a task (HTML); empty when it is gone. Whoever
    is told of a change learns which task, even one they no longer lead."""
    view = task_views(session, ids=[task_id]).get(task_id)
    if view is None:
        return ""
    return f"<b>{esc(render.number_label(view, _))}</b> {esc(render.short_title(view, 40))}"


def make(
    session: Session, asker: Asker, svc: Services, task_id: int, changes: Sequence[Change]
) -> tuple[str, list[Out]]:
    """Make ``changes``; what the asker is told (HTML) and the messages to the people it
    concerns. A refusal says why and that nothing was changed."""
    _ = asker.translate
    title = task_title(session, task_id, _)
    try:
        done = apply_changes(
            session, actor=asker.person, task_id=task_id, changes=changes, now=svc.now()
        )
    except EditNotAllowed:
        return esc(_(NOT_ALLOWED)), []
    except TaskClosed as closed:
        status = render.status_name(closed.status, _)
        text = _("{task} is {status}: it is not changed any more. Nothing was changed.")
        return text.format(task=title, status=esc(status)), []
    except (EditError, LookupError):
        return esc(_(GONE)), []
    if not done.lines:
        return _("{task}: that is how it already is.").format(task=title), []
    lines = [_("{task} changed:").format(task=title), *done_lines(done.lines, _)]
    return "\n".join(lines), _told(session, asker, svc, done, title_of=task_id)


def _told(
    session: Session, asker: Asker, svc: Services, done: Changed, *, title_of: int
) -> list[Out]:
    """The change, once, in each concerned person's language, to those on Telegram."""
    out = []
    for person_id in done.tell:
        person = session.get(Person, person_id)
        if person is None or not person.telegram_chat_id or not person.active:
            continue
        _ = translator(person.language or svc.default_language)
        title = task_title(session, title_of, _)
        head = _("{name} changed {task}:").format(name=esc(asker.person.name), task=title)
        out.append(Out(person.telegram_chat_id, "\n".join([head, *done_lines(done.lines, _)])))
    return out


def not_allowed(_: Translate) -> str:
    return esc(_(NOT_ALLOWED))
