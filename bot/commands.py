"""The command menus users see in Telegram, one per language; curators get theirs per chat."""

import logging
from collections.abc import Collection

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from aiogram_i18n.cores import FluentRuntimeCore
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from models import MunicipalCoordinator, SchoolCurator, User
from services.schools import in_force

log = logging.getLogger(__name__)
USER_COMMANDS = ("start", "surveys", "profile", "pair", "plan", "meet", "meetings", "report",
                 "invite", "join", "settings", "language", "help", "cancel", "mydata",
                 "delete_me")
CURATOR_COMMANDS = ("summary", "export", "remind", "broadcast", "invites", "confirm", "curators",
                    "match", "pairs", "calendar")


def commands_for(core: FluentRuntimeCore, locale: str, *,
                 curator: bool = False) -> list[BotCommand]:
    names = USER_COMMANDS + (CURATOR_COMMANDS if curator else ())
    return [BotCommand(command=name, description=core.get(f"cmd-{name}", locale))
            for name in names]


async def register_commands(bot: Bot, core: FluentRuntimeCore, default_locale: str) -> None:
    scope = BotCommandScopeAllPrivateChats()
    for locale in core.available_locales:
        await bot.set_my_commands(commands_for(core, locale), scope=scope, language_code=locale)
    await bot.set_my_commands(commands_for(core, default_locale), scope=scope)


async def show_curator_menu(bot: Bot, core: FluentRuntimeCore, curator: User,
                            default_locale: str) -> None:
    """The curator's own menu: everyone's commands, then the curator's."""
    try:
        await bot.set_my_commands(
            commands_for(core, curator.locale or default_locale, curator=True),
            scope=BotCommandScopeChat(chat_id=curator.telegram_id))
    except TelegramAPIError as error:  # never opened a chat with the bot, say
        log.info("no curator menu for %s: %s", curator.id, error)


async def hide_curator_menu(bot: Bot, telegram_id: int) -> None:
    """Back to everyone's menu: the chat's own list goes."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=telegram_id))
    except TelegramAPIError as error:
        log.info("curator menu of a chat not removed: %s", error)


async def sync_curator_menu(bot: Bot, core: FluentRuntimeCore, user: User, default_locale: str,
                            curator: bool) -> None:
    """The menu that goes with what the person is now: the curator's, or everyone's."""
    if curator:
        await show_curator_menu(bot, core, user, default_locale)
    else:
        await hide_curator_menu(bot, user.telegram_id)


async def register_curator_menus(bot: Bot, core: FluentRuntimeCore,
                                 sessionmaker: async_sessionmaker, root_ids: Collection[int],
                                 default_locale: str) -> None:
    async with sessionmaker() as session:
        curators = (await session.scalars(select(User).where(or_(
            User.telegram_id.in_(list(root_ids)),
            User.id.in_(select(SchoolCurator.user_id).where(in_force())),
            User.id.in_(select(MunicipalCoordinator.user_id)))))).all()
    for curator in curators:
        await show_curator_menu(bot, core, curator, default_locale)
