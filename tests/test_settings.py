"""Settings come from the environment or a .env file, with safe defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import DEFAULT_DATABASE_URL, Settings

VARIABLES = (
    "DATABASE_URL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_BASE_URL",
    "TIMEZONE",
    "DEFAULT_LANGUAGE",
    "ADMIN_TELEGRAM_IDS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's tree


def test_defaults_are_an_sqlite_file_under_data_and_the_office_zone() -> None:
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert DEFAULT_DATABASE_URL.startswith("sqlite:///") and "/data/" in DEFAULT_DATABASE_URL
    assert settings.telegram_bot_token is None and settings.telegram_base_url is None
    assert settings.timezone == "Asia/Shanghai" and str(settings.zone) == "Asia/Shanghai"
    assert settings.default_language == "zh_CN"


def test_a_dotenv_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "TELEGRAM_BOT_TOKEN=123:abc\nTIMEZONE=Asia/Urumqi\nDEFAULT_LANGUAGE=en\n", "utf-8"
    )
    monkeypatch.setenv("TIMEZONE", "Asia/Hong_Kong")
    settings = Settings()
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)  # the token never shows in logs or tracebacks
    assert settings.timezone == "Asia/Hong_Kong"
    assert settings.default_language == "en"


def test_a_blank_token_counts_as_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "  ")
    assert Settings().telegram_bot_token is None


@pytest.mark.parametrize(
    ("name", "value"), [("TIMEZONE", "Mars/Olympus"), ("DEFAULT_LANGUAGE", "fr")]
)
def test_bad_values_are_refused_at_start(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
