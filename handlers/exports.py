"""/export: the curator's files (bases of mentors and mentees, pairs, meetings, plans, every
questionnaire) as XLSX or CSV, for the scope of the summary; /report: a mentor's own report."""

from __future__ import annotations

import os
import tempfile
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, FSInputFile, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.plain_text import PlainLabels
from handlers.callbacks import SummaryButton, SummaryView
from handlers.rendering import plain_text
from handlers.summary_scope import (
    SummaryScope,
    days_scope,
    parse_period,
    period_days,
    resolve_pressed,
    resolve_typed,
)
from models import User
from services import access, export, pairs
from services.clock import Clock
from services.profiles import Profiles
from services.surveys import Surveys

# Telegram takes documents up to 50 MB from bots.
MAX_UPLOAD = 50 * 1024 * 1024


def _parse(args: str | None) -> tuple[str, tuple[int, int] | None]:
    words = (args or "").split()
    fmt = "csv" if "csv" in (w.lower() for w in words) else "xlsx"
    period = parse_period(" ".join(w for w in words if w.lower() not in export.FORMATS))
    return fmt, period


async def _send_export(message: Message, i18n: I18nContext, session: AsyncSession,
                       view: SummaryScope, fmt: str, surveys: Surveys, profiles: Profiles,
                       settings: Settings, clock: Clock, *, mentor_id: int | None = None,
                       name: str, caption: str) -> None:
    await message.answer(i18n.get("desk-export-preparing"))
    handle, path = tempfile.mkstemp(suffix=f".{'zip' if fmt == 'csv' else 'xlsx'}")
    try:
        with os.fdopen(handle, "wb") as target:
            # A region's export is made by two processes (services.export.part).
            helper = export.helper_for(settings.database_url,
                                       PlainLabels(str(i18n.core.path), i18n.locale))
            rows = await export.export(
                session, view.scope, surveys.catalog,
                lambda key, **params: plain_text(i18n, key, **params), i18n.locale,
                ZoneInfo(settings.timezone), fmt, target, mentor_id, now=clock.now(),
                profile=profiles.form, helper=helper)
            size = target.tell()
        if size > MAX_UPLOAD:
            await message.answer(i18n.get("desk-export-too-big"))
            return
        filename = f"{name}_{clock.now():%Y-%m-%d}.{'zip' if fmt == 'csv' else 'xlsx'}"
        caption += "\n" + i18n.get("desk-export-rows", rows=rows)
        await message.answer_document(FSInputFile(path, filename=filename), caption=caption)
    finally:
        os.unlink(path)


def _caption(i18n: I18nContext, view: SummaryScope) -> str:
    place, form = view.names(i18n)
    return i18n.get("desk-export-caption", place=place, form=form,
                    since=f"{view.first_day:%d.%m.%Y}", until=f"{view.last_day:%d.%m.%Y}")


async def on_export(message: Message, command: CommandObject, i18n: I18nContext,
                    session: AsyncSession, user: User, settings: Settings, clock: Clock,
                    surveys: Surveys, profiles: Profiles) -> None:
    fmt, period = _parse(command.args)
    if period is None:
        await message.answer(i18n.get("desk-export-usage"))
        return
    view = await resolve_typed(message, i18n, session, user, settings, clock.now(),
                               SummaryButton(view=SummaryView.EXPORT, since=period[0],
                                             until=period[1]))
    if view is None:
        return
    await _send_export(message, i18n, session, view, fmt, surveys, profiles, settings, clock,
                       name="mentoring", caption=_caption(i18n, view))


async def on_export_button(query: CallbackQuery, callback_data: SummaryButton, i18n: I18nContext,
                           session: AsyncSession, user: User, settings: Settings, clock: Clock,
                           surveys: Surveys, profiles: Profiles) -> None:
    resolved = await resolve_pressed(query, i18n, session, user, settings, clock.now(),
                                     callback_data)
    if resolved is None:
        return
    view, message = resolved
    fmt = "csv" if callback_data.view is SummaryView.EXPORT_CSV else "xlsx"
    await _send_export(message, i18n, session, view, fmt, surveys, profiles, settings,
                       clock, name="mentoring", caption=_caption(i18n, view))


async def on_report(message: Message, command: CommandObject, i18n: I18nContext,
                    session: AsyncSession, user: User, settings: Settings, clock: Clock,
                    surveys: Surveys, profiles: Profiles) -> None:
    fmt, period = _parse(command.args)
    if period is None:
        await message.answer(i18n.get("report-usage"))
        return
    own = [p for p in await pairs.pairs_of(session, user)
           if pairs.mentor_of(p).user_id == user.id and p.status in access.SHARED]
    if not own:
        await message.answer(i18n.get("report-mentors-only"))
        return
    zone = ZoneInfo(settings.timezone)
    first, last = period_days(*period, clock.now().astimezone(zone).date())
    button = SummaryButton(view=SummaryView.EXPORT, since=first.toordinal(), until=last.toordinal())
    view = SummaryScope(button, [], False, first, last, days_scope(first, last, zone))
    done = sum(1 for p in own for item in p.plan if item.done_at)
    caption = i18n.get("report-caption", pairs=len(own), done=done,
                       total=sum(len(p.plan) for p in own),
                       since=f"{first:%d.%m.%Y}", until=f"{last:%d.%m.%Y}")
    await _send_export(message, i18n, session, view, fmt, surveys, profiles, settings, clock,
                       mentor_id=user.id, name="mentor_report", caption=caption)


def router() -> Router:
    exports = Router(name="exports")
    exports.message.register(on_export, Command("export"))
    exports.message.register(on_report, Command("report"))
    exports.callback_query.register(on_export_button, SummaryButton.filter(
        F.view.in_({SummaryView.EXPORT, SummaryView.EXPORT_CSV})))
    return exports
