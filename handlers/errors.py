"""The last line of defence: log the failure, tell the person briefly that nothing was lost.

A database that is briefly unavailable (locked, restarting, unreachable) is not a bug: the
update's transaction is rolled back whole, the person is asked to try again, and the log gets
one line instead of a traceback.
"""

import logging

from aiogram.types import ErrorEvent
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext, I18nMiddleware

from bot.middlewares import telegram_locale
from models.db import database_trouble

log = logging.getLogger(__name__)


def _say(key: str, i18n: I18nContext | None, i18n_middleware: I18nMiddleware | None,
         sender: TelegramUser | None) -> str | None:
    if i18n is not None:
        return i18n.get(key)
    if i18n_middleware is None:
        return None
    # The failure came before the language was chosen (it is read from the database).
    core = i18n_middleware.core
    return core.get(key, telegram_locale(sender, core.available_locales, core.default_locale))


async def answer_stale(event: ErrorEvent, i18n: I18nContext | None = None,
                       i18n_middleware: I18nMiddleware | None = None,
                       event_from_user: TelegramUser | None = None) -> bool:
    """A stale or forged button, a step no longer open, something the access policy refuses: a
    use case raises StaleAction (services/errors.py), its update is rolled back whole, and the
    person gets the same short alert wherever it happened. Not a failure: nothing is logged."""
    text = _say("error-stale", i18n, i18n_middleware, event_from_user)
    update = event.update
    if text is not None:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    return True


async def report_error(event: ErrorEvent, i18n: I18nContext | None = None,
                       i18n_middleware: I18nMiddleware | None = None,
                       event_from_user: TelegramUser | None = None) -> bool:
    update = event.update
    trouble = database_trouble(event.exception)
    if trouble is not None:
        log.warning("update %s: %s; the person was asked to try again", update.update_id,
                    trouble)
        key = "error-database-busy"
    else:
        log.exception("update %s failed", update.update_id, exc_info=event.exception)
        key = "error-internal"
    text = _say(key, i18n, i18n_middleware, event_from_user)
    if text is None:
        return True
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    except Exception:  # the apology itself may fail when Telegram is unreachable
        log.warning("could not tell the person about the failure", exc_info=True)
    return True
