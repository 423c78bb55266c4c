"""/profile: the profile card, editing one field, taking on another role."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    Message,
)
from aiogram_i18n import I18nContext, LazyFilter
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.answering import ProfileFlow, present
from handlers.callbacks import AddRole, EditProfile
from handlers.screens import role_keyboard, show_profile
from handlers.states import Onboarding
from models import User
from services.errors import StaleAction
from services.people import roles_of
from services.profiles import Profiles


async def on_profile(message: Message, i18n: I18nContext, user: User, profiles: Profiles) -> None:
    await show_profile(message, i18n, user, profiles)


async def on_edit(query: CallbackQuery, callback_data: EditProfile, state: FSMContext,
                  i18n: I18nContext, session: AsyncSession, user: User,
                  profiles: Profiles) -> None:
    flow = ProfileFlow(profiles, session, user, cursor=None, only=callback_data.question)
    step = profiles.step(user, only=callback_data.question)
    if step is None or not isinstance(query.message, Message):
        raise StaleAction
    await present(query.message, state, i18n, flow, step)


async def on_add_role(query: CallbackQuery, state: FSMContext, i18n: I18nContext,
                      session: AsyncSession, user: User) -> None:
    if isinstance(query.message, Message):
        await state.set_state(Onboarding.choosing_role)
        await session.commit()
        await query.message.answer(i18n.get("role-choose-more"),
                                   reply_markup=role_keyboard(i18n, roles_of(user)))


def router() -> Router:
    profile = Router(name="profile")
    profile.message.register(on_profile, Command("profile"))
    profile.message.register(on_profile, LazyFilter("menu-profile"))
    profile.callback_query.register(on_edit, EditProfile.filter())
    profile.callback_query.register(on_add_role, AddRole.filter())
    return profile
