"""The clerk: /invite in chat, and `python -m bot invite` / `admin add` on the command line."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.cli import main
from bot.fakegram import user
from models.db import session_scope
from models.tables import Department, Invite, Role
from tests.test_bot_support import BOT_USERNAME, Harness, group, running_bot, text_of

LINK = re.compile(r"https://t\.me/(\w+)\?start=([\w-]+)")


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness
        assert harness.errors == []


async def test_an_admin_invites_a_new_staff_member_who_joins_with_the_link(bot: Harness) -> None:
    admin = bot.person("王芳", role=Role.admin)
    text = text_of(await bot.say(admin, "/invite 赵六 学会部"))
    assert "赵六 was not in the ledger and has been added as staff." in text
    username, code = LINK.search(text).groups()  # type: ignore[union-attr]
    assert username == BOT_USERNAME
    newcomer = user(7_777, "Zhao", language_code="en")
    assert "Welcome, 赵六!" in text_of(await bot.say(newcomer, f"/start {code}"))
    person = bot.stored("赵六")
    assert person.role == Role.staff
    with session_scope(bot.engine) as session:
        department = session.get(Department, person.department_id)
        assert department is not None and department.name == "学会部"
        assert session.exec(select(Invite)).one().created_by_id == bot.stored("王芳").id
    assert "Your open tasks: 15" in text_of(await bot.say(newcomer, "/todo"))


async def test_inviting_someone_in_the_ledger_keeps_their_role(bot: Harness) -> None:
    admin = bot.person("王芳", role=Role.admin)
    text = text_of(await bot.say(admin, "/invite 李麟"))
    assert "added as staff" not in text and LINK.search(text)
    assert bot.stored("李麟").role == Role.leader


@pytest.mark.parametrize(
    ("role", "text", "expected"),
    [
        (Role.leader, "/invite 赵六", "Only the office clerk"),
        (Role.staff, "/invite 赵六", "Only the office clerk"),
        (Role.admin, "/invite", "Usage: /invite NAME"),
    ],
)
async def test_invite_refusals(bot: Harness, role: Role, text: str, expected: str) -> None:
    someone = bot.person("某人", role=role)
    answer = text_of(await bot.say(someone, text))
    assert expected in answer and not LINK.search(answer)
    with session_scope(bot.engine) as session:
        assert session.exec(select(Invite)).first() is None


async def test_an_invitation_is_never_posted_in_a_group(bot: Harness) -> None:
    admin = bot.person("王芳", role=Role.admin)
    answer = text_of(await bot.say(admin, "/invite 赵六", chat=group()))
    assert "private chat" in answer and not LINK.search(answer)


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli_ledger(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("TELEGRAM_BASE_URL", raising=False)
    return database_url


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_cli_invite_without_a_token_prints_a_placeholder_link_and_says_so(cli_ledger: str) -> None:
    code, out = run("invite", "钱七", "--department", "组宣部")
    assert code == 0
    assert "https://t.me/YOUR_BOT?start=" in out
    assert "No TELEGRAM_BOT_TOKEN is set." in out
    assert "added as staff" in out


def test_cli_invite_with_a_bot_username(cli_ledger: str) -> None:
    code, out = run("invite", "钱七", "--bot-username", "office_bot", "--days", "2")
    assert code == 0 and "https://t.me/office_bot?start=" in out and "YOUR_BOT" not in out


async def test_a_cli_invitation_works_in_chat(cli_ledger: str) -> None:
    _, out = run("invite", "钱七", "--bot-username", BOT_USERNAME)
    code = LINK.search(out).group(2)  # type: ignore[union-attr]
    async with running_bot(cli_ledger, seed=False) as bot:
        answer = text_of(await bot.say(user(31, "Qian", language_code="en"), f"/start {code}"))
    assert "Welcome, 钱七!" in answer


def test_cli_admin_add_creates_then_promotes(cli_ledger: str) -> None:
    code, out = run("admin", "add", "王芳")
    assert code == 0 and "王芳 was added as an admin." in out
    assert "python -m bot invite 王芳" in out
    code, out = run("admin", "add", "王芳")
    assert "王芳 is now an admin." in out
