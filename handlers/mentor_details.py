"""A curator fills in or corrects a teacher mentor's position and key competences, for the
programme's base of mentors: «Должность» or «Ключевые компетенции» on the mentor's card, then
the text, saved at once (/cancel leaves it as it was). The mentor is not told: like a pair's
order number, this is the curator's record-keeping, and the mentor sees the result in
/profile."""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from handlers.access_filters import PersonAllowed
from handlers.callbacks import EditMentorDetail, MentorDetail
from handlers.outgoing import full_name
from handlers.states import MentorDetailStates
from handlers.typed_text import ask_text
from models import User
from services import access, people
from services.errors import StaleAction

STATES = {MentorDetail.POSITION: MentorDetailStates.position,
          MentorDetail.KEY_COMPETENCES: MentorDetailStates.key_competences}
DETAIL_OF_STATE = {state.state: detail for detail, state in STATES.items()}


def current(person: User, detail: MentorDetail) -> str:
    """The detail as stored, or a dash when never given or skipped."""
    return (getattr(person.profile, detail.value) if person.profile else None) or "—"


async def on_edit(query: CallbackQuery, callback_data: EditMentorDetail, person: User,
                  state: FSMContext, i18n: I18nContext, session: AsyncSession) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    detail = callback_data.detail
    await state.set_state(STATES[detail])
    await state.set_data({"user": person.id})
    await session.commit()
    await query.message.answer(i18n.get(
        f"mentor-detail-ask-{detail.value}", name=full_name(person),
        current=current(person, detail), limit=people.mentor_detail_limit(detail.value)))


async def on_text(message: Message, text: str, state: FSMContext, i18n: I18nContext,
                  session: AsyncSession, user: User, settings: Settings) -> None:
    detail = DETAIL_OF_STATE[await state.get_state()]
    person = await session.get(User, int((await state.get_data()).get("user", 0)))
    await state.clear()
    # Rights are asked again: they may have gone since the button was pressed.
    if person is None or not await access.may_describe_mentor(session, user, person.id,
                                                              settings.curator_ids):
        await session.commit()
        await message.answer(i18n.get("error-stale"))
        return
    await people.describe_mentor(session, person, detail.value, text)
    await session.commit()
    await message.answer(i18n.get(f"mentor-detail-saved-{detail.value}", name=full_name(person),
                                  text=text))


def router() -> Router:
    details = Router(name="mentor_details")
    details.callback_query.register(on_edit, EditMentorDetail.filter(),
                                    PersonAllowed(access.may_describe_mentor))
    for detail, state in STATES.items():
        ask_text(details, on_text, state, people.mentor_detail_limit(detail.value),
                 hint="mentor-detail-hint")
    return details
