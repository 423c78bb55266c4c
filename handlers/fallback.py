"""Whatever no other router took: a short hint, never silence."""

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext

from handlers.rendering import main_menu
from models import User


async def on_unknown_message(message: Message, i18n: I18nContext, user: User | None) -> None:
    if user is None:
        await message.answer(i18n.get("need-start"))
        return
    await message.answer(i18n.get("unknown-input"), reply_markup=main_menu(i18n))


async def on_unknown_button(query: CallbackQuery, i18n: I18nContext) -> None:
    await query.answer(i18n.get("error-stale"), show_alert=True)


def router() -> Router:
    fallback = Router(name="fallback")
    fallback.message.register(on_unknown_message)
    fallback.callback_query.register(on_unknown_button)
    return fallback
