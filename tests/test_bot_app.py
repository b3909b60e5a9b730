"""The Application itself: start-up, the command menu, defaults, the Bot API URL, errors."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from sqlalchemy import inspect, text

from bot.app import COMMANDS, build_application, offline
from bot.fakegram import FakeBotAPI, FakeRequest
from bot.settings import Settings
from tests.test_bot_support import Harness, running_bot, text_of


@pytest.fixture
async def bot(database_url: str) -> AsyncIterator[Harness]:
    async with running_bot(database_url) as harness:
        yield harness


def menu(api: FakeBotAPI, language_code: str) -> dict[str, str]:
    scope = json.dumps({"type": "default"})
    return {c["command"]: c["description"] for c in api.commands[(scope, language_code)]}


async def test_start_up_publishes_the_command_menu_per_language(bot: Harness) -> None:
    for code in ("zh", "en", ""):
        assert list(menu(bot.api, code)) == [name for name, _ in COMMANDS]
    assert menu(bot.api, "en")["todo"] == "my open tasks"


async def test_start_up_upgrades_an_empty_database(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/fresh.sqlite"
    api = FakeBotAPI()
    settings = Settings(_env_file=None, database_url=url, telegram_bot_token=None)
    application = build_application(settings, request=FakeRequest(api))
    engine = application.bot_data["duban"].engine
    assert not inspect(engine).has_table("task")
    async with offline(application):
        assert inspect(engine).has_table("task")


async def test_replies_are_html_in_the_offices_zone(bot: Harness) -> None:
    zheng = bot.person("郑昌盛")
    calls = await bot.say(zheng, "/todo")
    assert calls[0].params["parse_mode"] == "HTML"
    assert str(bot.application.bot.defaults.tzinfo) == "Asia/Shanghai"


def test_a_self_hosted_bot_api_server_is_used_for_methods_and_files() -> None:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=SecretStr("123:abc"),
        telegram_base_url="http://localhost:8081/",
    )
    bot = build_application(settings).bot
    assert bot.base_url == "http://localhost:8081/bot123:abc"
    assert bot.base_file_url == "http://localhost:8081/file/bot123:abc"


def test_settings_read_admin_ids_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "11, 22,33")
    assert Settings(_env_file=None).admin_telegram_ids == [11, 22, 33]
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "")
    assert Settings(_env_file=None).admin_telegram_ids == []


async def test_a_failure_is_logged_with_context_and_the_user_is_told(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    zheng = bot.person("郑昌盛")
    with bot.engine.begin() as connection:  # the ledger loses a table under the running bot
        connection.execute(text("ALTER TABLE taskleader RENAME TO taskleader_gone"))
    try:
        with caplog.at_level(logging.ERROR):
            calls = await bot.say(zheng, "/todo")
    finally:  # the PostgreSQL ledger is the next test's too
        with bot.engine.begin() as connection:
            connection.execute(text("ALTER TABLE taskleader_gone RENAME TO taskleader"))
    assert "something went wrong" in text_of(calls)
    record = next(r for r in caplog.records if r.name == "handlers.common")
    assert "update_id" in record.getMessage()
    assert record.exc_info and "taskleader" in str(record.exc_info[1])
    assert [type(e) for e in bot.errors] == [type(record.exc_info[1])]
