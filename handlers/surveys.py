"""/surveys: the questionnaires open to the person, with their status; start, continue, retake."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext, LazyFilter
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import escape
from handlers.answering import SurveyFlow, ask
from handlers.callbacks import OpenSurvey
from handlers.onboarding import onboarding_step
from handlers.outgoing import button
from handlers.replies import commit_then, say
from handlers.screens import show_surveys
from models import User
from services.errors import StaleAction
from services.people import roles_of
from services.profiles import Profiles
from services.surveys import Surveys


def survey_button(code: str) -> list[list[dict]]:
    """The button of a message owed about a questionnaire (a deadline's reminder): opens it."""
    return [[button("button-deadline-open", OpenSurvey(code=code).pack())]]


async def on_surveys(message: Message, state: FSMContext, i18n: I18nContext,
                     session: AsyncSession, user: User, surveys: Surveys, profiles: Profiles,
                     settings: Settings) -> None:
    if not roles_of(user):
        await commit_then(session, await onboarding_step(message, state, i18n, session, user,
                                                         surveys, profiles, settings))
        return
    await show_surveys(message, i18n, session, user, surveys, settings)


async def on_open(query: CallbackQuery, callback_data: OpenSurvey, state: FSMContext,
                  i18n: I18nContext, session: AsyncSession, user: User, surveys: Surveys,
                  settings: Settings) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    try:
        response = await surveys.begin(session, user, callback_data.code, again=callback_data.again)
    except StaleAction:
        await query.answer(i18n.get("survey-not-open"), show_alert=True)
        return
    step = await surveys.step(session, response)
    if step is None:
        await session.commit()
        await show_surveys(query.message, i18n, session, user, surveys, settings)
        return
    questionnaire = await surveys.definition(session, response.questionnaire_code,
                                             response.questionnaire_version)
    replies = []
    if questionnaire.intro is not None and not response.answers:
        # Content is plain text, like everything a person reads that is not a locale template.
        replies.append(say(query.message, escape(questionnaire.intro.get(i18n.locale))))
    question = await ask(query.message, state, i18n,
                         SurveyFlow(surveys, session, user, response.id), step,
                         sent_before=len(replies))
    await commit_then(session, [*replies, question.show])


def router() -> Router:
    surveys = Router(name="surveys")
    surveys.message.register(on_surveys, Command("surveys"))
    surveys.message.register(on_surveys, LazyFilter("menu-surveys"))
    surveys.callback_query.register(on_open, OpenSurvey.filter())
    return surveys
