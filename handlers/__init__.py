"""Feature routers, wired in one place.

Routers are built per Dispatcher (a router can belong to one parent only), so tests and a
restarted app get fresh ones. Order matters: commands and menu buttons come before the catch-all
of typed answers, and the fallback comes last.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.types import Message, TelegramObject

from bot.middlewares import RequireConsent


class WithoutNul(BaseMiddleware):
    """NUL characters in a message mean nothing, and PostgreSQL stores no text or JSON that
    contains one: every handler gets the text without them."""

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Message) and event.text and "\x00" in event.text:
            event = event.model_copy(update={"text": event.text.replace("\x00", "")})
        return await handler(event, data)


def build_router() -> Router:
    from handlers import (
        answering,
        calendar_choice,
        cards,
        common,
        comparison,
        curators,
        exports,
        fallback,
        groups,
        meetings,
        mentor_details,
        municipalities,
        onboarding,
        outreach,
        pairs,
        plan,
        privacy,
        profile,
        pupil_pairs,
        summary,
        surveys,
        year_report,
    )

    top = Router(name="top")
    top.message.outer_middleware(WithoutNul())
    top.include_router(groups.router())
    root = Router(name="private")
    # Everything so far happens in a private chat with the bot.
    root.message.filter(F.chat.type == "private")
    root.callback_query.filter(F.message.chat.type == "private")
    # outreach, exports, year_report and comparison before summary: they take the summary's
    # «remind», «export», «year report» and «compare» buttons.
    gated = [curators.router(), outreach.router(), exports.router(), year_report.router(),
             comparison.router(), summary.router(), municipalities.router(),
             cards.router(), mentor_details.router(), calendar_choice.router(), pairs.router(),
             pupil_pairs.router(),
             plan.router(), meetings.router(), privacy.router(), profile.router(),
             surveys.router(), answering.typed_router()]
    answer_buttons = answering.buttons_router()
    for router in (answer_buttons, *gated):
        router.message.middleware(RequireConsent())
        router.callback_query.middleware(RequireConsent())
    root.include_routers(answer_buttons, common.router(), onboarding.router(), *gated,
                         fallback.router())
    top.include_router(root)
    return top
