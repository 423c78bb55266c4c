"""The last line of defence: log the failure, tell the person briefly that nothing was lost."""

import logging

from aiogram.types import ErrorEvent
from aiogram_i18n import I18nContext

log = logging.getLogger(__name__)


async def report_error(event: ErrorEvent, i18n: I18nContext | None = None) -> bool:
    log.exception("update %s failed", event.update.update_id, exc_info=event.exception)
    if i18n is None:
        return True
    text = i18n.get("error-internal")
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    except Exception:  # the apology itself may fail when Telegram is unreachable
        log.warning("could not tell the person about the failure", exc_info=True)
    return True
