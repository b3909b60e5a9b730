"""The python-telegram-bot Application, built from the settings with its handlers. Thin wiring."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.persistence import WRITE_THROUGH_GROUP, LedgerPersistence, write_through_handler
from bot.reminders_command import reminder_policy
from bot.settings import Settings
from handlers import (
    admin,
    bulletin,
    imports,
    onboarding,
    people,
    plans,
    preferences,
    reminders,
    stats,
    todos,
)
from handlers.common import (
    ADDRESSED_TO_ME,
    NUDGE_DATA,
    SERVICES_KEY,
    Context,
    Services,
    on_error,
    turn_away_who_left,
)
from handlers.export import export_command
from handlers.keeping import cards
from handlers.keeping import flow as keeping_flow
from handlers.reports import flow, review, steps
from ledger.digest import REMINDER_DATA
from models.db import make_engine, upgrade
from nlu.i18n import N_, translator
from scheduler.calendar_notice import send_calendar_notice
from scheduler.nudge import nudge
from scheduler.policy import Policy
from scheduler.sender import TelegramSender
from scheduler.sweep import DEFAULT_POLICY, OFFICE_HOURS, SweepReport, Window, sweep
from scheduler.weekly import WEEKLY_AT, send_weekly

log = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, Any, Any]

# The console and the tests talk to a fake Bot API; PTB still wants a token-shaped string.
OFFLINE_TOKEN = "1:offline"

# The command menu (setMyCommands), in every language we speak.
COMMANDS = (
    ("todo", N_("my open tasks")),
    ("due", N_("tasks due this week (or: /due month, /due next)")),
    ("overdue", N_("overdue tasks")),
    ("task", N_("one task in full, e.g. /task 12")),
    ("search", N_("find tasks by topic, e.g. /search 大篷车")),
    ("stats", N_("where the tasks stand, with a chart")),
    ("report", N_("report progress, completion or an extension")),
    ("plan", N_("the plans by year, and which one you are on")),
    ("cancel", N_("stop the report being written")),
    ("settings", N_("when reminders come, a pause while away")),
    ("lang", N_("language / 语言")),
    ("help", N_("what I can do")),
)
# Telegram language_code of the menu -> our language; "" is the menu for everyone else.
MENU_LANGUAGES = (("zh", "zh_CN"), ("en", "en"))


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    now: Callable[[], datetime] | None = None,
    long_running: bool = False,
) -> BotApplication:
    """The bot, ready to run; ``request`` replaces the network and ``now`` the clock (tests).

    ``long_running`` is for `python -m bot run`: after start-up, what it built is frozen out
    of the garbage collector's scans (tests and the console build many short-lived bots).
    """
    token = settings.telegram_bot_token
    builder = (
        ApplicationBuilder()
        .token(token.get_secret_value() if token is not None else OFFLINE_TOKEN)
        .defaults(Defaults(tzinfo=settings.zone, parse_mode=ParseMode.HTML))
        .post_init(_post_init_long_running if long_running else _post_init)
        .post_shutdown(_post_shutdown)
    )
    base_url, base_file_url = bot_api_urls(settings)
    builder = builder.base_url(base_url).base_file_url(base_file_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    engine = make_engine(settings.database_url)
    clock = now or (lambda: datetime.now(UTC))
    # Conversations (a report half written) live in the ledger: a restart loses none of them.
    idle = settings.report_idle
    builder = builder.persistence(LedgerPersistence(engine, now=clock, idle_timeout=idle))
    application: BotApplication = builder.build()

    async def nudge_now(task_id: int, by: int) -> list[tuple[str, str]]:
        results = await nudge(
            engine,
            sender_of(application),
            task_id=task_id,
            by=by,
            now=clock(),
            zone=settings.zone,
            default_language=settings.default_language,
        )
        return [(result.name, result.result) for result in results]

    application.bot_data[SERVICES_KEY] = Services(
        engine=engine,
        now=clock,
        zone=settings.zone,
        default_language=settings.default_language,
        admin_telegram_ids=frozenset(settings.admin_telegram_ids),
        nudge=nudge_now,
        reminder_hours=settings.reminder_window,
        lights=settings.lights,
    )
    _register(
        application,
        report_idle=settings.report_idle,
        import_max_bytes=settings.import_max_mb * 1024 * 1024,
    )
    _schedule(application, settings)
    return application


def bot_api_urls(settings: Settings) -> tuple[str, str]:
    """(base_url, base_file_url): Telegram's own, or those of a self-hosted Bot API server."""
    base = (settings.telegram_base_url or "https://api.telegram.org").rstrip("/")
    return f"{base}/bot", f"{base}/file/bot"


WHO_LEFT_GROUP = -1  # runs before the handlers' group (0)

# Answer what people send, not their later edits of it (an edited /todo is not a new question).
NEW_MESSAGES = filters.UpdateType.MESSAGE


def _command(
    names: str | list[str], callback: Callable[[Update, Context], Coroutine[Any, Any, None]]
) -> CommandHandler[Context, None]:
    return CommandHandler(names, callback, filters=NEW_MESSAGES)


def _register(
    application: BotApplication, *, report_idle: timedelta, import_max_bytes: int
) -> None:
    """Every chat feature's handlers; the order matters only for the catch-alls at the end
    (and /dept add|rename before /dept NAME)."""
    # Before all: someone who has left is told so, and nothing else runs.
    application.add_handler(TypeHandler(Update, turn_away_who_left), group=WHO_LEFT_GROUP)
    application.add_handlers(
        [
            # First: while someone is changing the ledger or writing a report, their messages
            # belong to it (a typed deadline such as 9月底前完成 would read as a report).
            keeping_flow.keeping_conversation(report_idle),
            CallbackQueryHandler(steps.stale_pressed, pattern=keeping_flow.STEP_DATA),
            flow.report_conversation(report_idle),
            review.decide_conversation(report_idle),
            CallbackQueryHandler(steps.stale_pressed, pattern=flow.STEP_DATA),
            _command("cancel", flow.nothing_to_cancel),
            _command("start", onboarding.start),
            _command("help", onboarding.help_command),
            _command("lang", onboarding.language_command),
            CallbackQueryHandler(onboarding.language_pressed, pattern=onboarding.LANGUAGE_DATA),
            _command("invite", admin.invite_command),
            _command("person", people.person_command),
            _command("oversee", people.oversee_command),
            _command("leave", people.leave_command),
            _command("people", people.people_command),
            CallbackQueryHandler(people.leave_pressed, pattern=people.LEAVE_DATA),
            CallbackQueryHandler(people.people_page_pressed, pattern=people.PEOPLE_PAGE_DATA),
            CommandHandler(
                ["dept", "department"],
                people.department_change_command,
                filters=NEW_MESSAGES & people.DEPARTMENT_CHANGE,
            ),
            _command("todo", todos.todo_command),
            _command("due", todos.due_command),
            _command("overdue", todos.overdue_command),
            _command("task", todos.task_command),
            _command("search", todos.search_command),
            _command(["dept", "department"], todos.department_command),
            _command("leader", todos.leader_command),
            _command("stats", stats.stats_command),
            _command("unassigned", cards.unassigned_command),
            CallbackQueryHandler(cards.unassigned_page_pressed, pattern=cards.PAGE_DATA),
            CallbackQueryHandler(cards.card_pressed, pattern=cards.CARD_DATA),
            CallbackQueryHandler(todos.page_pressed, pattern=todos.PAGE_DATA),
            CallbackQueryHandler(todos.task_pressed, pattern=todos.TASK_DATA),
            _command("plan", plans.plan_command),
            CallbackQueryHandler(plans.plan_pressed, pattern=plans.PLAN_DATA),
            CallbackQueryHandler(reminders.reminder_pressed, pattern=REMINDER_DATA),
            _command("nudge", admin.nudge_command),
            _command("report_week", bulletin.report_week_command),
            _command("export", export_command),
            _command("settings", preferences.settings_command),
            CallbackQueryHandler(preferences.settings_pressed, pattern=preferences.SETTINGS_DATA),
            CallbackQueryHandler(admin.nudge_pressed, pattern=NUDGE_DATA),
            # A document outside a report (which took its attachments above): a task list.
            *imports.import_handlers(max_bytes=import_max_bytes),
            MessageHandler(
                NEW_MESSAGES
                & filters.TEXT
                & ~filters.COMMAND
                & ADDRESSED_TO_ME
                & stats.READS_AS_STATS,
                stats.stats_message,
            ),
            MessageHandler(
                NEW_MESSAGES & filters.TEXT & ~filters.COMMAND & ADDRESSED_TO_ME,
                todos.text_message,
            ),
            MessageHandler(
                NEW_MESSAGES & filters.COMMAND & filters.ChatType.PRIVATE,
                onboarding.unknown_command,
            ),
            CallbackQueryHandler(onboarding.stale_button),
        ]
    )
    # Last: what each update changed in a conversation is stored as soon as it is handled.
    application.add_handler(write_through_handler(), group=WRITE_THROUGH_GROUP)
    application.add_error_handler(on_error)


# Daily jobs run at this time in the office's zone, inside office hours.
CALENDAR_NOTICE_AT = time(9, 0)


SWEEP_EVERY = 60  # seconds: reminders go out within a minute of falling due
SENDER_KEY = "sender"


def _schedule(application: BotApplication, settings: Settings) -> None:
    """The jobs; the JobQueue runs them once the application starts (tests never start it).

    The sweep holds no state: its first run, right after start, catches up on what fell due
    while the bot was down.
    """
    assert application.job_queue is not None  # installed with python-telegram-bot[job-queue]
    # APScheduler drops a job that runs more than a second late by default; on a busy host a
    # report's idle timeout or a sweep would be lost. Late is better than never: run it anyway.
    application.job_queue.scheduler.configure(
        job_defaults={"misfire_grace_time": None, "coalesce": True},
        **application.job_queue.scheduler_configuration,
    )
    application.job_queue.run_daily(
        _calendar_notice,
        CALENDAR_NOTICE_AT.replace(tzinfo=settings.zone),
        name="calendar-notice",
    )
    policy, window = reminder_policy(settings)

    async def sweep_now(context: Context) -> None:
        await run_sweep(context.application, policy=policy, window=window)

    application.job_queue.run_repeating(
        sweep_now, interval=SWEEP_EVERY, first=1, name="reminder-sweep"
    )
    weekday, at = settings.weekly_digest

    async def weekly_now(context: Context) -> None:
        await run_weekly(context.application, weekday=weekday, at=at)

    # Every minute too, rather than once at its time: a bot started later that day, or after a
    # crash between a claim and its send, still sends the week's digests (each exactly once).
    application.job_queue.run_repeating(
        weekly_now, interval=SWEEP_EVERY, first=1, name="weekly-digest"
    )


def sender_of(application: BotApplication) -> TelegramSender:
    """The one sender of this bot: every outgoing reminder shares its rate limits."""
    sender = application.bot_data.get(SENDER_KEY)
    if not isinstance(sender, TelegramSender):
        sender = application.bot_data[SENDER_KEY] = TelegramSender(application.bot)
    return sender


async def run_sweep(
    application: BotApplication,
    *,
    policy: Policy = DEFAULT_POLICY,
    window: Window = OFFICE_HOURS,
) -> SweepReport:
    """One sweep of the reminder engine at the application's clock (the job; /tick)."""
    svc = services_of(application)
    return await sweep(
        svc.engine,
        sender_of(application),
        now=svc.now(),
        zone=svc.zone,
        default_language=svc.default_language,
        policy=policy,
        window=window,
    )


async def run_weekly(
    application: BotApplication, *, weekday: int = 0, at: time = WEEKLY_AT
) -> SweepReport:
    """The week's weekly digests, if they are due at the application's clock (the job; /tick).

    They go through the sweep's sender, so one set of Telegram limits holds for both.
    """
    svc = services_of(application)
    sender = application.bot_data.get(SENDER_KEY)
    if sender is None:
        sender = application.bot_data[SENDER_KEY] = TelegramSender(application.bot)
    return await send_weekly(
        svc.engine,
        sender,
        now=svc.now(),
        zone=svc.zone,
        default_language=svc.default_language,
        at=at,
        weekday=weekday,
        lights=svc.lights,
    )


async def _calendar_notice(context: Context) -> None:
    svc = services_of(context.application)
    await send_calendar_notice(
        context.bot,
        svc.engine,
        now=svc.now(),
        zone=svc.zone,
        default_language=svc.default_language,
    )


async def _post_init(application: BotApplication) -> None:
    """Start-up: bring the schema up to date and publish the command menu."""
    svc = services_of(application)
    await asyncio.to_thread(upgrade, svc.engine)
    for code, language in (*MENU_LANGUAGES, ("", svc.default_language)):
        _ = translator(language)
        await application.bot.set_my_commands(
            [BotCommand(name, _(description)) for name, description in COMMANDS],
            language_code=code or None,
        )
    log.info("@%s is ready", application.bot.username)


async def _post_init_long_running(application: BotApplication) -> None:
    """Start-up, then what it built is kept out of the garbage collector's full scans.

    Those scans otherwise stall a reply now and then (gc.freeze, as long-running servers do).
    """
    await _post_init(application)
    gc.collect()
    gc.freeze()


async def _post_shutdown(application: BotApplication) -> None:
    services_of(application).engine.dispose()
    gc.unfreeze()


def services_of(application: BotApplication) -> Services:
    found = application.bot_data[SERVICES_KEY]
    assert isinstance(found, Services)
    return found


@asynccontextmanager
async def offline(application: BotApplication) -> AsyncIterator[BotApplication]:
    """Run start-up and shutdown around in-process use (console, tests, bench), no polling."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        yield application
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
