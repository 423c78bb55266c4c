"""Feature routers, wired in one place.

Routers are built per Dispatcher (a router can belong to one parent only), so tests and a
restarted app get fresh ones. Order matters: commands and menu buttons come before the catch-all
of typed answers, and the fallback comes last.
"""

from aiogram import F, Router

from bot.middlewares import RequireConsent


def build_router() -> Router:
    from handlers import (
        answering,
        calendar,
        cards,
        common,
        curators,
        desk,
        exports,
        fallback,
        groups,
        meetings,
        onboarding,
        outreach,
        pairs,
        plan,
        privacy,
        profile,
        pupil_pairs,
        surveys,
    )

    top = Router(name="top")
    top.include_router(groups.router())
    root = Router(name="private")
    # Everything so far happens in a private chat with the bot.
    root.message.filter(F.chat.type == "private")
    root.callback_query.filter(F.message.chat.type == "private")
    # outreach and exports before desk: they take the desk's «remind» and «export» buttons.
    gated = [curators.router(), outreach.router(), exports.router(), desk.router(),
             cards.router(), calendar.router(), pairs.router(), pupil_pairs.router(), plan.router(),
             meetings.router(), privacy.router(), profile.router(), surveys.router(),
             answering.router()]
    for router in gated:
        router.message.middleware(RequireConsent())
        router.callback_query.middleware(RequireConsent())
    root.include_routers(common.router(), onboarding.router(), *gated, fallback.router())
    top.include_router(root)
    return top
