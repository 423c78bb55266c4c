"""Builds the application. Nothing is created at import time; tests build exactly this app."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.enums import ParseMode
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiogram_i18n import I18nMiddleware
from fluent.syntax import FluentParser, ast
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot import redaction
from bot.channels import Channels
from bot.commands import register_commands, register_curator_menus
from bot.config import PROJECT_ROOT, SUPPORTED_LOCALES, Settings
from bot.delivery import Delivery
from bot.html import HtmlFluentCore
from bot.jobs import DailyPlanner
from bot.max.api import MaxApi
from bot.max.message_ids import MessageIds
from bot.max.session import MaxSession
from bot.middlewares import CurrentUser, LocaleManager, OncePerUpdate, ReadMarks
from bot.outbox_worker import OutboxWorker
from bot.presses import AnswerThePress
from bot.storage import DatabaseStorage, PersonLocks
from bot.unit_of_work import UnitOfWork
from bot.update_context import PersonAndState
from domain.calendar import Calendar, load_calendars
from domain.matching import check_areas
from domain.profile import ProfileForm, check_profile_conditions
from domain.questionnaire import Catalog, DefinitionError
from handlers import build_router
from handlers.errors import answer_stale, report_error
from handlers.meeting_proposal import followup_buttons
from handlers.surveys import survey_button
from models.db import create_engine, create_sessionmaker, upgrade_database
from services import purposes
from services.clock import Clock
from services.errors import StaleAction
from services.profiles import Profiles
from services.surveys import Surveys, sync_catalog

log = logging.getLogger(__name__)
UPDATES_FINISH_SECONDS = 30
LOCALES_DIR = PROJECT_ROOT / "locales" / "{locale}"


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker
    surveys: Surveys
    profiles: Profiles
    dispatcher: Dispatcher
    i18n_core: HtmlFluentCore
    clock: Clock
    calendars: dict[str, Calendar]

    async def prepare_database(self) -> None:
        """Migrate to the newest schema and record the questionnaire versions in use."""
        await upgrade_database(self.engine)
        async with self.sessionmaker.begin() as session:
            await sync_catalog(session, self.surveys.catalog)
        if self.engine.dialect.name == "sqlite":
            # Without statistics SQLite picks the per-questionnaire index for a school's summary
            # and reads the whole region (5× slower, bench.desk). Not a sampled ANALYZE
            # (analysis_limit): it saw about 400 responses per questionnaire where a region has
            # 30,000, and the export's look-ups for a thousand people then read every diagnosis
            # of the region instead of theirs (10× slower). The full one takes half a second
            # for a region.
            async with self.engine.begin() as connection:
                await connection.exec_driver_sql("ANALYZE")

    def outbox_worker(self, bot: Bot, **delivery: Any) -> OutboxWorker:
        """The sender of owed messages for this bot; handlers find it as `outbox`."""
        worker = OutboxWorker(self.sessionmaker, Delivery(bot, **delivery), self.i18n_core,
                              self.settings, self.clock)
        self.dispatcher["outbox"] = worker
        return worker

    def daily_planner(self, worker: OutboxWorker) -> DailyPlanner:
        return DailyPlanner(self.sessionmaker, self.calendars, self.settings, self.clock, worker,
                            survey_button, followup_buttons)

    async def close(self) -> None:
        await self.dispatcher["read_marks"].close()
        await self.dispatcher.storage.close()
        await self.engine.dispose()


# aiogram's Bot needs a token of Telegram's form even when only MAX is served: this one is never
# sent anywhere (no Telegram channel exists then), and names the bot 0 in the database.
WITHOUT_TELEGRAM = "0:no-telegram"


def create_bot(settings: Settings, sessionmaker: async_sessionmaker | None = None) -> Bot:
    """The one Bot of the app: its session sends each request to the messenger of its chat
    (bot.channels), Telegram's and/or MAX's as configured. MAX numbers its messages in the
    database, hence the sessionmaker."""
    telegram = None
    if settings.bot_token:
        telegram = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url)) \
            if settings.telegram_api_url else AiohttpSession()
    max_session = None
    if settings.max_token:
        if sessionmaker is None:
            raise ValueError("the MAX channel keeps its message ids in the database")
        max_session = MaxSession(MaxApi(settings.max_token, settings.max_api_url),
                                 MessageIds(sessionmaker))
    return Bot(settings.bot_token or WITHOUT_TELEGRAM, session=Channels(telegram, max_session),
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_storage(settings: Settings, sessionmaker: async_sessionmaker) -> BaseStorage:
    if settings.redis_url:
        return RedisStorage.from_url(settings.redis_url)
    # In the update's own session and transaction: one connection per update, and the state is
    # committed with the answer it follows.
    return DatabaseStorage(sessionmaker)


def create_isolation(storage: BaseStorage) -> BaseEventIsolation:
    """One person's updates are handled one after another (a double press, a quick second
    answer), across processes when they share Redis."""
    if isinstance(storage, RedisStorage):
        return storage.create_isolation()
    return PersonLocks()


def create_dispatcher(settings: Settings, sessionmaker: async_sessionmaker, surveys: Surveys,
                      profiles: Profiles, storage: BaseStorage,
                      clock: Clock) -> tuple[Dispatcher, HtmlFluentCore]:
    # aiogram's FSM middleware is replaced by ours, registered after the unit of work: it reads
    # the state through the update's session, with the person, in one statement.
    isolation = create_isolation(storage)
    dispatcher = Dispatcher(storage=storage, events_isolation=isolation, disable_fsm=True,
                            settings=settings, sessionmaker=sessionmaker, surveys=surveys,
                            profiles=profiles, clock=clock)
    dispatcher.fsm = PersonAndState(storage=storage, events_isolation=isolation)
    # Order matters: the update's session (no connection yet), the person's lock, their state and
    # record, a redelivery dropped, then the person, their language.
    dispatcher.update.outer_middleware(UnitOfWork(sessionmaker))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    read_marks = dispatcher["read_marks"] = ReadMarks(sessionmaker)
    dispatcher.update.outer_middleware(OncePerUpdate(read_marks))
    dispatcher.update.outer_middleware(CurrentUser())
    dispatcher.callback_query.outer_middleware(AnswerThePress())
    # Every parameter of a locale message is escaped as it is rendered (bot/html.py).
    core = HtmlFluentCore(path=LOCALES_DIR, default_locale=settings.default_locale)
    I18nMiddleware(
        core=core,
        manager=LocaleManager(settings.default_locale, SUPPORTED_LOCALES),
        default_locale=settings.default_locale,
    ).setup(dispatcher)
    dispatcher.include_router(build_router())
    # The one answer to a stale button, then every other failure.
    dispatcher.errors.register(answer_stale, ExceptionTypeFilter(StaleAction))
    dispatcher.errors.register(report_error)

    async def on_startup(bot: Bot) -> None:
        await register_commands(bot, core, settings.default_locale)
        await register_curator_menus(bot, core, sessionmaker, settings.curator_ids,
                                     settings.default_locale)

    dispatcher.startup.register(on_startup)
    # First of all shutdown hooks (aiogram's own closes the FSM storage, aiogram-i18n's empties
    # the locales): the updates in hand are already confirmed to Telegram and must finish.
    dispatcher.shutdown.handlers.insert(0, HandlerObject(callback=finish_updates_in_hand))
    return dispatcher, core


async def finish_updates_in_hand(dispatcher: Dispatcher, **_: Any) -> None:
    # aiogram keeps the polling's update tasks here (pinned minor version).
    in_hand = [task for task in getattr(dispatcher, "_handle_update_tasks", ())
               if not task.done()]
    if in_hand:
        log.info("finishing %d updates in hand before stopping", len(in_hand))
        await asyncio.wait(in_hand, timeout=UPDATES_FINISH_SECONDS)
    await dispatcher["read_marks"].close()


def check_area_labels(catalog: Catalog) -> None:
    """Every diagnosis area (the deficits file's scale questions) is named in the summary, the
    plan, the cards and /match by the locale message `area-<id>`: an area renamed or added in
    the content without one in every language would fail each of those screens, so the bot does
    not start."""
    parser = FluentParser()
    # Not an f-string: tests/test_locales checks those keys against the shipped areas only.
    labels = ["area-" + area for area in catalog.purposes.areas]
    missing = []
    for locale in SUPPORTED_LOCALES:
        directory = Path(str(LOCALES_DIR).format(locale=locale))
        known = {entry.id.name for path in sorted(directory.glob("*.ftl"))
                 for entry in parser.parse(path.read_text(encoding="utf-8")).body
                 if isinstance(entry, ast.Message)}
        missing += [f"{label} ({locale})" for label in labels if label not in known]
    if missing:
        raise DefinitionError(
            f"questionnaire {catalog.purposes.deficits!r}: every area it rates needs its name in "
            f"the locales (locales/<language>/main.ftl); missing: {', '.join(missing)}")


def build_app(settings: Settings, *, engine: AsyncEngine | None = None,
              clock: Clock | None = None) -> App:
    """Load and validate the content files, then wire everything. Raises DefinitionError."""
    redaction.guard_personal_data()
    catalog = Catalog.from_directory(settings.content_dir / "questionnaires")
    calendars = load_calendars(settings.content_dir / "calendars", {q.id for q in catalog})
    profile_form = ProfileForm.from_file(settings.content_dir / "profile.yaml")
    check_profile_conditions(catalog, profile_form, settings.content_dir / "profile.yaml")
    check_areas(catalog)
    check_area_labels(catalog)
    engine = engine or create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine, {purposes.KEY: catalog.purposes})
    clock = clock or Clock()
    surveys, profiles = Surveys(catalog, clock, profile_form), Profiles(profile_form)
    storage = create_storage(settings, sessionmaker)
    dispatcher, core = create_dispatcher(settings, sessionmaker, surveys, profiles, storage, clock)
    dispatcher["calendars"] = calendars
    return App(settings, engine, sessionmaker, surveys, profiles, dispatcher, core, clock,
               calendars)
