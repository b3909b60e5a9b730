"""All configuration, in one place: environment variables or a `.env` file.

This is the only module that reads the environment; everything else is handed a Settings.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PositiveFloat, PositiveInt, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ledger.lights import Lights
from nlu.i18n import LANGUAGES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'duban.sqlite'}"
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")  # WEEKLY_DIGEST_AT's days


class Settings(BaseSettings):
    """duban's settings; every field maps to the upper-case environment variable of its name."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str | None = None
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh_CN"
    # Telegram user ids that are admins from their first /start ("1,2"): the first 督办员.
    admin_telegram_ids: Annotated[list[int], NoDecode] = []
    # The largest file `import` reads, in MB; a task list is far smaller.
    import_max_mb: PositiveInt = 20
    # Reminders go out on working days inside these office hours ("09:00-18:00"), at the
    # given working days before a deadline, and every N working days while it is overdue.
    reminder_hours: str = "09:00-18:00"
    reminder_tiers: Annotated[list[int], NoDecode] = [30, 14, 7, 3, 1]
    reminder_overdue_every: PositiveInt = 3
    # The weekly digest (周报) goes out on this weekday at this office time ("MON 08:30"); when
    # that day is off, on the first working day after it that week.
    weekly_digest_at: str = "MON 08:30"
    # A report left half written ends (politely) after this many idle minutes.
    report_idle_minutes: PositiveFloat = 30
    # 督办 lights: the colours of on track, watch and late ("green,yellow,red"; offices that
    # use 蓝黄红 say "blue,yellow,red"), how many days before its deadline a task turns yellow,
    # and how far (a share, 0-1) behind its targets' pace it may fall before it does.
    light_colours: str = "green,yellow,red"
    light_soon_days: PositiveInt = 7
    light_pace_slack: Annotated[float, Field(ge=0, le=1)] = 0.1

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:  # fail at start, not at the first reminder
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"TIMEZONE: unknown time zone {value!r}") from None
        return value

    @field_validator("light_colours")
    @classmethod
    def _colours(cls, value: str) -> str:
        try:
            Lights.parse(value)
        except ValueError as error:
            raise ValueError(f"LIGHT_COLOURS: {error}") from None
        return value

    @property
    def lights(self) -> Lights:
        return Lights.parse(
            self.light_colours, soon_days=self.light_soon_days, pace_slack=self.light_pace_slack
        )

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("telegram_bot_token", "telegram_base_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("reminder_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        start, end = _hours(value)
        if start >= end:
            raise ValueError("REMINDER_HOURS: the start must come before the end (09:00-18:00)")
        return value

    @field_validator("reminder_tiers", mode="before")
    @classmethod
    def _tiers(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("reminder_tiers")
    @classmethod
    def _positive_tiers(cls, value: list[int]) -> list[int]:
        if any(tier <= 0 for tier in value):
            raise ValueError("REMINDER_TIERS: working days before a deadline, e.g. 30,14,7,3,1")
        return sorted(set(value), reverse=True)

    @field_validator("weekly_digest_at")
    @classmethod
    def _weekly(cls, value: str) -> str:
        weekday, at = _weekly_at(value)
        return f"{WEEKDAYS[weekday]} {at:%H:%M}"

    @property
    def weekly_digest(self) -> tuple[int, time]:
        """The weekday (0 is Monday) and office time of the weekly digest."""
        return _weekly_at(self.weekly_digest_at)

    @property
    def report_idle(self) -> timedelta:
        """How long a half-written report waits for its next step."""
        return timedelta(minutes=self.report_idle_minutes)

    @property
    def reminder_window(self) -> tuple[time, time]:
        """The office hours reminders go out in (office time)."""
        return _hours(self.reminder_hours)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _hours(value: str) -> tuple[time, time]:
    """ "09:00-18:00" -> (09:00, 18:00); ValueError otherwise."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(f"REMINDER_HOURS: not HH:MM-HH:MM: {value!r}") from None
    return start, end


def _weekly_at(value: str) -> tuple[int, time]:
    """ "MON 08:30" -> (0, 08:30); ValueError otherwise."""
    parts = value.split()
    try:
        if len(parts) != 2 or parts[0].upper() not in WEEKDAYS:
            raise ValueError
        at = time.fromisoformat(parts[1])
        if at.tzinfo is not None:  # office time, always
            raise ValueError
        return WEEKDAYS.index(parts[0].upper()), at
    except ValueError:
        raise ValueError(f"WEEKLY_DIGEST_AT: not DAY HH:MM, e.g. MON 08:30: {value!r}") from None
