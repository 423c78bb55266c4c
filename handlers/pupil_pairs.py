"""«Ученик – ученик» pairs formed by the pupils themselves: /invite makes a single-use,
expiring link and code; the invited pupil confirms, then the inviter; the curator is told."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import start_link
from bot.outbox_worker import OutboxWorker
from domain.roles import Role
from handlers.callbacks import JoinPair
from handlers.matching import ask_consent
from handlers.outgoing import button, full_name
from handlers.rendering import drop_buttons
from handlers.replies import Reply, say
from models import Invite, User
from services import access, invites
from services.clock import Clock
from services.errors import StaleAction
from services.people import roles_of


async def on_invite(message: Message, bot: Bot, i18n: I18nContext, session: AsyncSession,
                    user: User, clock: Clock) -> None:
    if Role.MENTOR_PUPIL not in roles_of(user):
        await message.answer(i18n.get("pair-invite-mentors-only"))
        return
    if user.profile is None or user.profile.school_id is None:
        await message.answer(i18n.get("pair-invite-needs-school"))
        return
    # A pupil pair starts only between pupils a curator has confirmed in one school.
    school_id = await access.pupil_mentor_school(session, user)
    if school_id is None:
        await message.answer(i18n.get("pair-invite-unconfirmed"))
        return
    invite = await invites.create(
        session, kind=invites.InviteKind.PAIR, school_id=school_id,
        role=Role.MENTEE_PUPIL, created_by=user.id, now=clock.now())
    await session.commit()
    link = await start_link(bot, message.chat.id, invites.payload_for(invite))
    await message.answer(i18n.get(
        "pair-invite-created", link=link,
        code=invites.printable(invite.code), hours=invites.PAIR_INVITE_HOURS))


async def offer_join(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                     invite: Invite) -> Reply:
    """The question to the invited pupil; raises InviteError for someone who may not join."""
    await invites.check_pupil(session, user, invite)
    inviter = await session.get(User, invite.created_by)
    return say(
        message, i18n.get("pair-invite-offer", name=full_name(inviter)),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text=i18n.get(choice["label"]["key"]),
                                 callback_data=choice["data"])
            for choice in offer_buttons(invite)[0]]]))


def offer_buttons(invite: Invite) -> list[list[dict]]:
    """Agree or decline a pupil's invitation, in the outbox's form of buttons."""
    return [[button("button-pair-agree", JoinPair(code=invite.code, agree=True).pack()),
             button("button-pair-decline", JoinPair(code=invite.code, agree=False).pack())]]


async def on_join_pair(query: CallbackQuery, callback_data: JoinPair, i18n: I18nContext,
                       session: AsyncSession, user: User, clock: Clock,
                       outbox: OutboxWorker) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    if not callback_data.agree:
        await drop_buttons(query.message)
        await query.message.answer(i18n.get("pair-invite-refused"))
        return
    try:
        invite = await invites.find(session, callback_data.code, clock.now())
        if invite.kind != invites.InviteKind.PAIR:
            raise invites.InviteError(invites.InviteProblem.UNKNOWN)
        pair = await invites.join_pair(session, user, invite, clock.now())
    except invites.InviteError as error:
        await session.rollback()
        await query.answer(i18n.get(f"invite-problem-{error.problem}"), show_alert=True)
        return
    await ask_consent(session, clock, outbox, pair)
    await session.commit()
    await drop_buttons(query.message)
    await query.message.answer(i18n.get("pair-waiting"))


def router() -> Router:
    pupils = Router(name="pupil_pairs")
    pupils.message.register(on_invite, Command("invite"))
    pupils.callback_query.register(on_join_pair, JoinPair.filter())
    return pupils
