"""End to end: `python -m bot run` as its own process, over real HTTP to a fake Bot API."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.fakegram import html_to_text, user
from bot.fakegram_http import FakeBotAPIServer
from ledger.importing import import_document
from models.db import make_engine, session_scope
from models.people import create_invite
from models.queries import person_named
from tests.conftest import ROOT, SEED_004

TOKEN = "123456789:AAE2eFakeTokenNeverLogged_xyz"


@pytest.fixture
def server() -> Iterator[FakeBotAPIServer]:
    with FakeBotAPIServer(token=TOKEN) as running:
        yield running


def invitation(url: str, name: str) -> str:
    import_document(
        SEED_004, database_url=url, now=datetime.now(UTC), zone=ZoneInfo("Asia/Shanghai")
    )
    with session_scope(make_engine(url)) as session:
        person = person_named(session, name=name)
        assert person is not None
        return create_invite(session, person=person, now=datetime.now(UTC))


def start_bot(url: str, server: FakeBotAPIServer, *args: str) -> subprocess.Popen[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": server.url,
        "DATABASE_URL": url,
        "DEFAULT_LANGUAGE": "en",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_bot_process_onboards_answers_pages_and_stops_on_sigterm(
    tmp_path: Path, server: FakeBotAPIServer
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    code = invitation(url, "郑昌盛")
    process = start_bot(url, server)
    try:
        zheng = user(8_001, "Zheng", language_code="en")
        server.wait_for(lambda c: c.method == "setMyCommands")  # post_init ran

        since = server.mark()
        server.say(zheng, f"/start {code}")
        welcome = server.wait_for(lambda c: c.method == "sendMessage", since=since)
        assert "Welcome, 郑昌盛!" in html_to_text(welcome.text)

        since = server.mark()
        server.say(zheng, "我的待办")
        listing = server.wait_for(lambda c: c.method == "sendMessage", since=since)
        assert "Your open tasks: 10" in html_to_text(listing.text)
        button = next(b for b in listing.buttons if b["text"] == "›")

        since = server.mark()
        message = server.api.messages[(8_001, listing.result["message_id"])]
        server.press(zheng, message, button["callback_data"])
        answered = server.wait_for(
            lambda c: c.method in ("answerCallbackQuery", "editMessageText"), since=since
        )
        assert answered.method == "answerCallbackQuery"
        edited = server.wait_for(lambda c: c.method == "editMessageText", since=since)
        assert [b["text"] for b in edited.buttons] == ["‹", "2/2"]

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stdout, stderr = process.communicate()
    logs = stdout + stderr
    assert "@duban_test_bot is ready" in logs or "is ready" in logs
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs


def test_cli_invite_asks_the_bot_api_for_the_bots_name(
    tmp_path: Path, server: FakeBotAPIServer
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "invite", "赵六", "--department", "学会部"],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": server.url,
            "DATABASE_URL": url,
            "DEFAULT_LANGUAGE": "en",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"https://t.me/{server.api.username}?start=" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_webhook_mode_serves_updates_posted_with_the_secret(
    tmp_path: Path, server: FakeBotAPIServer
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    code = invitation(url, "李麟")
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram"
    process = start_bot(
        url, server, "--webhook", hook, "--listen", "127.0.0.1", "--port", str(port)
    )
    try:
        registered = server.wait_for(lambda c: c.method == "setWebhook")
        assert registered.params["url"] == hook
        secret = hashlib.sha256(TOKEN.encode()).hexdigest()[:32]
        assert registered.params["secret_token"] == secret
        li = user(8_002, "Li", language_code="en")
        with server.changed:
            update = server.api.message_update(li, f"/start {code}")

        def post(headers: dict[str, str]) -> int:
            request = urllib.request.Request(
                hook, data=json.dumps(update).encode(), headers=headers, method="POST"
            )
            for _ in range(100):  # the webhook server may start listening after setWebhook
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status: int = response.status
                        return status
                except urllib.error.HTTPError as error:
                    return error.code
                except urllib.error.URLError:
                    time.sleep(0.1)
            raise TimeoutError("the webhook server never listened")

        since = server.mark()
        assert post({"Content-Type": "application/json"}) == 403  # no secret: refused
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
        assert post(headers) == 200
        welcome = server.wait_for(lambda c: c.method == "sendMessage", since=since)
        assert "Welcome, 李麟!" in html_to_text(welcome.text)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.communicate()
