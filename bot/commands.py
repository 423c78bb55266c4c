"""The command menus users see in Telegram, one per language."""

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiogram_i18n.cores import FluentRuntimeCore

USER_COMMANDS = ("start", "surveys", "profile", "pair", "plan", "meet", "meetings", "report",
                 "invite", "join", "settings", "language", "help", "cancel", "forget")


def commands_for(core: FluentRuntimeCore, locale: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=core.get(f"cmd-{name}", locale))
            for name in USER_COMMANDS]


async def register_commands(bot: Bot, core: FluentRuntimeCore, default_locale: str) -> None:
    scope = BotCommandScopeAllPrivateChats()
    for locale in core.available_locales:
        await bot.set_my_commands(commands_for(core, locale), scope=scope, language_code=locale)
    await bot.set_my_commands(commands_for(core, default_locale), scope=scope)
