"""Commands that work anywhere, in any state: /help, /cancel, /language, /menu."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext, LazyFilter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import show_curator_menu
from bot.config import SUPPORTED_LOCALES, Settings
from handlers.callbacks import SetLanguage
from handlers.rendering import main_menu
from handlers.screens import show_main_menu
from models import User
from services import access
from services.errors import StaleAction


async def on_help(message: Message, i18n: I18nContext, user: User | None,
                  session: AsyncSession, settings: Settings) -> None:
    text = i18n.get("help-text")
    if user is not None and await access.is_curator(session, user, settings.curator_ids):
        text += "\n\n" + i18n.get("help-curator")
    await message.answer(text, reply_markup=main_menu(i18n) if user is not None else None)


async def on_cancel(message: Message, state: FSMContext, i18n: I18nContext,
                    session: AsyncSession, user: User | None) -> None:
    had_flow = await state.get_state() is not None
    await state.clear()
    await session.commit()
    if user is None:
        await message.answer(i18n.get("cancelled-unregistered"))
        return
    await show_main_menu(message, i18n, "cancelled" if had_flow else "nothing-to-cancel")


async def on_menu(message: Message, i18n: I18nContext, user: User | None) -> None:
    if user is None:
        await message.answer(i18n.get("need-start"))
        return
    await show_main_menu(message, i18n)


def language_keyboard() -> InlineKeyboardMarkup:
    names = {"ru": "🇷🇺 Русский", "en": "🇬🇧 English"}
    return InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=names[locale], callback_data=SetLanguage(locale=locale).pack())
        for locale in SUPPORTED_LOCALES
    ]])


async def on_language(message: Message, i18n: I18nContext) -> None:
    await message.answer(i18n.get("language-choose"), reply_markup=language_keyboard())


async def on_language_chosen(query: CallbackQuery, callback_data: SetLanguage,
                             i18n: I18nContext, session: AsyncSession, user: User | None,
                             settings: Settings) -> None:
    if callback_data.locale not in SUPPORTED_LOCALES:
        raise StaleAction
    await i18n.set_locale(callback_data.locale)
    curator = user is not None and await access.is_curator(session, user, settings.curator_ids)
    await session.commit()
    if curator:  # the curator's own menu is per chat: it follows the language too
        await show_curator_menu(query.bot, i18n.core, user, settings.default_locale)
    if isinstance(query.message, Message):
        if user is None:
            await query.message.answer(i18n.get("language-set-unregistered"))
        else:
            await query.message.answer(i18n.get("language-set"), reply_markup=main_menu(i18n))


def router() -> Router:
    common = Router(name="common")
    common.message.register(on_help, Command("help"))
    common.message.register(on_help, LazyFilter("menu-help"))
    common.message.register(on_cancel, Command("cancel"))
    common.message.register(on_menu, Command("menu"))
    common.message.register(on_language, Command("language"))
    common.message.register(on_language, LazyFilter("menu-language"))
    common.callback_query.register(on_language_chosen, SetLanguage.filter())
    return common
