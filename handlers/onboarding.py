"""/start: greeting, consent to personal-data processing, role, then the profile step by step."""

from functools import partial

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import show_curator_menu
from bot.config import Settings
from domain.roles import Role
from handlers.answering import ProfileFlow, ask
from handlers.callbacks import Consent, PickRole
from handlers.pupil_pairs import offer_join
from handlers.rendering import drop_buttons
from handlers.replies import Reply, commit_then, say
from handlers.screens import role_keyboard, show_main_menu, show_surveys
from handlers.states import Onboarding
from models import Invite, User
from services import access, invites, privacy, schools
from services.clock import Clock
from services.errors import StaleAction
from services.people import Registration, add_role, clean_payload, keep_payload, register, roles_of
from services.profiles import Profiles
from services.surveys import Surveys

# The payload rides in the consent button, whose callback_data holds 64 bytes in all.
MAX_PAYLOAD_IN_BUTTON = 50


def consent_keyboard(i18n: I18nContext, payload: str | None) -> InlineKeyboardMarkup:
    carried = payload if payload and len(payload) <= MAX_PAYLOAD_IN_BUTTON else ""
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=i18n.get("button-consent-agree"),
                              callback_data=Consent(agree=True, payload=carried).pack())],
        [InlineKeyboardButton(text=i18n.get("button-consent-decline"),
                              callback_data=Consent(agree=False).pack())],
    ])


async def on_start(message: Message, command: CommandObject, state: FSMContext,
                   i18n: I18nContext, session: AsyncSession, user: User | None,
                   surveys: Surveys, profiles: Profiles, settings: Settings, clock: Clock) -> None:
    payload = clean_payload(command.args)
    if user is None:
        # One message: all a person must read before answering sits above the buttons.
        await message.answer(i18n.get("welcome") + "\n\n" + i18n.get("consent-text"),
                             reply_markup=consent_keyboard(i18n, payload))
        return
    await keep_payload(session, user, payload)
    await state.clear()
    code = invites.code_from_payload(payload)
    if code is None:
        replies = await onboarding_step(message, state, i18n, session, user, surveys, profiles,
                                        settings, returning=True)
    else:
        replies = await invited(message, state, i18n, session, user, surveys, profiles,
                                settings, clock, code, sent_before=0)
    await commit_then(session, replies)


async def invited(message: Message, state: FSMContext, i18n: I18nContext,
                  session: AsyncSession, user: User, surveys: Surveys, profiles: Profiles,
                  settings: Settings, clock: Clock, code: str, *, sent_before: int) -> list[Reply]:
    """What the invitation says, then onboarding's next step, unless the invitation itself asks
    a question (a pupil's offer to pair): one open question at a time."""
    reply, asks = await use_invite(message, i18n, session, user, code, clock, settings)
    if asks:
        return [reply]
    return [reply, *await onboarding_step(message, state, i18n, session, user, surveys,
                                          profiles, settings, sent_before=sent_before + 1)]


async def use_invite(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                     code: str, clock: Clock, settings: Settings) -> tuple[Reply, bool]:
    """Join what the code invites to; the reply says so, or plainly why it cannot be used, and
    whether it asks the person something."""
    invite = None
    try:
        invite = await invites.find(session, code, clock.now())
        if invite.kind == invites.InviteKind.PAIR:
            return await offer_join(message, i18n, session, user, invite), True
        if invite.kind == invites.InviteKind.COORDINATOR:
            return await _coordinate(message, i18n, session, user, invite, clock, settings), False
        role = await invites.join_school(session, user, invite, clock.now(),
                                         settings.curator_ids)
    except invites.InviteError as error:
        if error.problem == invites.InviteProblem.UNCONFIRMED and invite is not None \
                and await invites.enrol_invited_pupil(session, user, invite, clock.now()):
            return say(message, i18n.get("pair-invite-newcomer",
                                         hours=invites.PAIR_INVITE_HOURS)), False
        return say(message, i18n.get(f"invite-problem-{error.problem}")), False
    return say(message, i18n.get("invite-joined", school=user.profile.school.name,
                                 role=i18n.get(f"role-{role.value}"))), False


async def _coordinate(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                      invite: Invite, clock: Clock, settings: Settings) -> Reply:
    """A coordinator's invitation: the person coordinates the municipality from now on, is
    told so, and gets the curator's menu."""
    municipality, appointed = await invites.join_municipality(session, user, invite, clock.now(),
                                                              settings.curator_ids)
    told = say(message, i18n.get("coordinator-joined" if appointed else "coordinator-already",
                                 name=municipality.name))
    menu = partial(show_curator_menu, message.bot, i18n.core, user, settings.default_locale)

    async def both() -> None:
        await told()
        await menu()

    return both


async def on_join(message: Message, command: CommandObject, state: FSMContext,
                  i18n: I18nContext, session: AsyncSession, user: User | None,
                  surveys: Surveys, profiles: Profiles, settings: Settings, clock: Clock) -> None:
    if user is None:
        await message.answer(i18n.get("need-start"))
        return
    if not command.args:
        await message.answer(i18n.get("join-usage"))
        return
    await state.clear()
    await commit_then(session, await invited(message, state, i18n, session, user, surveys,
                                             profiles, settings, clock, command.args,
                                             sent_before=0))


async def onboarding_step(message: Message, state: FSMContext, i18n: I18nContext,
                          session: AsyncSession, user: User, surveys: Surveys,
                          profiles: Profiles, settings: Settings, *, returning: bool = False,
                          sent_before: int = 0) -> list[Reply]:
    """Ask whatever the person still lacks (a role, profile fields), else open the menu: the
    state is set now, the replies go after the update's commit.

    A curator needs no programme role, only a name: the school is asked only with a programme
    role (content/profile.yaml), so a regional curator or a coordinator makes no school by
    naming their office.
    """
    if not roles_of(user) and not await access.is_curator(session, user, settings.curator_ids):
        await state.set_state(Onboarding.choosing_role)
        return [say(message, i18n.get("role-choose"), reply_markup=role_keyboard(i18n, []))]
    flow = ProfileFlow.starting(profiles, session, user)
    step = flow.step()
    if step is not None:
        replies = [say(message, i18n.get("profile-continue"))] if returning else []
        question = await ask(message, state, i18n, flow, step,
                             sent_before=sent_before + len(replies))
        return [*replies, question.show]
    return [partial(show_main_menu, message, i18n, "welcome-back" if returning else "menu-shown"),
            partial(show_surveys, message, i18n, session, user, surveys, settings)]


async def on_consent(query: CallbackQuery, callback_data: Consent, state: FSMContext,
                     i18n: I18nContext, session: AsyncSession, user: User | None,
                     surveys: Surveys, profiles: Profiles, settings: Settings,
                     clock: Clock) -> None:
    if not isinstance(query.message, Message):
        return
    await drop_buttons(query.message)
    if not callback_data.agree:
        if user is None:
            await query.message.answer(i18n.get("consent-declined"))
        return
    replies: list[Reply] = []
    code = None
    if user is None:
        now = clock.now()
        version = await privacy.remember_consent_text(session, i18n.locale,
                                                      i18n.get("consent-text"), now)
        user = await register(session, Registration(
            telegram_id=query.from_user.id,
            locale=i18n.locale,
            start_payload=clean_payload(callback_data.payload),
            username=query.from_user.username,
            consent_version=version,
            consented_at=now,
        ))
        replies.append(say(query.message, i18n.get("consent-thanks")))
        if schools.is_root_curator(user, settings.curator_ids):
            # Listed before they came: their menu is the curator's from the first moment.
            replies.append(partial(show_curator_menu, query.bot, i18n.core, user,
                                   settings.default_locale))
        code = invites.code_from_payload(callback_data.payload)
    if code is not None:
        replies += await invited(query.message, state, i18n, session, user, surveys, profiles,
                                 settings, clock, code, sent_before=len(replies))
    else:
        replies += await onboarding_step(query.message, state, i18n, session, user, surveys,
                                         profiles, settings, sent_before=len(replies))
    await commit_then(session, replies)


async def on_role(query: CallbackQuery, callback_data: PickRole, state: FSMContext,
                  i18n: I18nContext, session: AsyncSession, user: User | None,
                  surveys: Surveys, profiles: Profiles, settings: Settings,
                  clock: Clock) -> None:
    if user is None:
        await query.answer(i18n.get("need-start"), show_alert=True)
        return
    try:
        role = Role(callback_data.role)
    except ValueError:
        raise StaleAction from None
    added = await add_role(session, user, role, clock.now())
    if not isinstance(query.message, Message):
        await session.commit()
        return
    await state.clear()
    key = "role-added" if added else "role-already"
    replies = [partial(drop_buttons, query.message),
               say(query.message, i18n.get(key, role=i18n.get(f"role-{role.value}")))]
    replies += await onboarding_step(query.message, state, i18n, session, user, surveys,
                                     profiles, settings, sent_before=1)
    await commit_then(session, replies)


async def on_text_instead_of_role(message: Message, i18n: I18nContext, user: User | None) -> None:
    held = roles_of(user) if user is not None else []
    await message.answer(i18n.get("error-use-buttons"))
    await message.answer(i18n.get("role-choose"), reply_markup=role_keyboard(i18n, held))


def router() -> Router:
    onboarding = Router(name="onboarding")
    onboarding.message.register(on_start, CommandStart())
    onboarding.message.register(on_join, Command("join"))
    # After the commands: an invitation link or /join CODE must work while a role is pending.
    onboarding.message.register(on_text_instead_of_role, Onboarding.choosing_role)
    onboarding.callback_query.register(on_consent, Consent.filter())
    onboarding.callback_query.register(on_role, PickRole.filter())
    return onboarding
