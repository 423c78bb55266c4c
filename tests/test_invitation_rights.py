"""A curator's invitation admits only while whoever made it may still curate its school: a
removed coordinator's, a revoked school curator's and the code of a coordinator whose school
moved to another municipality are answered as expired and confirm nobody; a regional curator's
stay good."""

import pytest
from sqlalchemy import select

from models import MunicipalCoordinator, UserRole
from tests.flows import (
    SCHOOL,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    become_coordinator,
    coordinator_link,
    invite_code,
    join,
    make_municipality,
    register,
    register_curator,
    stored_user,
)
from tests.telegram import texts

pytestmark = pytest.mark.db
EXPIRED = "Срок этого приглашения истёк. Попросите новое у куратора."
JOINED = f"Вы в программе школы «{SCHOOL}» в роли «Наставляемый (педагог)»."
ENSK, NORTH = "Городской округ Энск", "Северный район"


async def confirmed_roles(running, telegram_id: int) -> list[UserRole]:
    async with running.session() as session:
        user = await stored_user(session, telegram_id)
        return [role for role in user.roles if role.confirmed_at is not None]


async def joins_with(running, telegram_id: int, code: str) -> list[str]:
    """A teacher who typed SCHOOL takes the code: what the bot answers."""
    person = running.person(telegram_id)
    await register(person, {**TEACHER_MENTEE, "name": f"Учитель {telegram_id}"})
    return texts(await person.send(f"/join {code}"))


async def remove_coordinator(regional, municipality: str, name: str) -> None:
    await regional.send("/municipalities")
    await regional.press(municipality)
    await regional.press(f"Снять координатора: {name}")
    await regional.press("Да, снять")


async def test_a_removed_coordinators_invitation_admits_nobody(running):
    regional = await register_curator(running)
    await make_municipality(regional, ENSK, SCHOOL)
    olga = await become_coordinator(running, regional, 700, ENSK)
    code = await invite_code(olga, "Наставляемый (педагог)")
    own = await invite_code(regional, "Наставляемый (педагог)")
    await remove_coordinator(regional, ENSK, "Координатор Ольга")
    assert EXPIRED in await joins_with(running, 200, code)
    assert await confirmed_roles(running, 200) == []
    # The regional curator's invitation, made at the same time, still admits.
    assert JOINED in texts(await running.person(200).send(f"/join {own}"))
    assert [r.role for r in await confirmed_roles(running, 200)] == ["mentee_teacher"]


async def test_a_coordinators_invitation_ends_when_the_school_moves_away(running):
    regional = await register_curator(running)
    await make_municipality(regional, ENSK, SCHOOL)
    await make_municipality(regional, NORTH)
    olga = await become_coordinator(running, regional, 700, ENSK)
    code = await invite_code(olga, "Наставляемый (педагог)")
    await regional.send("/municipalities")
    await regional.press(NORTH)
    await regional.press("Добавить школу")
    await regional.press(SCHOOL)
    assert EXPIRED in await joins_with(running, 200, code)
    assert await confirmed_roles(running, 200) == []


async def test_a_revoked_school_curators_invitation_admits_nobody(running):
    regional = await register_curator(running)
    petr = running.person(100)
    await join(running, regional, petr, TEACHER_MENTOR, "Наставник (педагог)")
    await regional.send("/curators")
    await regional.press("Сделать куратором: Петров")
    code = await invite_code(petr, "Наставляемый (педагог)")
    # While he curates, his code works.
    assert JOINED in await joins_with(running, 200, code)
    await regional.send("/curators")
    await regional.press("Снять куратора: Петров")
    await regional.press("Да, снять")
    assert EXPIRED in await joins_with(running, 201, code)
    assert await confirmed_roles(running, 201) == []


async def test_a_coordinators_invitation_ends_with_its_makers_regional_rights(
        running, settings, monkeypatch):
    regional = await register_curator(running)
    await make_municipality(regional, ENSK, SCHOOL)
    payload = await coordinator_link(regional, ENSK)
    # The maker leaves CURATOR_IDS (another person takes the post) before the link is opened.
    monkeypatch.setattr(settings, "curator_ids", frozenset({901}))
    olga = running.person(700)
    await olga.send(f"/start {payload}")
    assert EXPIRED in texts(await olga.press("Согласен"))
    async with running.session() as session:
        assert (await session.scalars(select(MunicipalCoordinator))).all() == []
