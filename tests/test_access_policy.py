"""The access policy through the bot: who sees a pair, a diagnosis, a note, a name, and who may
become a curator; moving school means being confirmed again. Each test is a hole an audit found
(tests fail on the code before services/access.py)."""

import json

import pytest
from sqlalchemy import select

from bot.config import PROJECT_ROOT
from domain.roles import Form, Variant
from handlers.callbacks import (
    AcceptMatch,
    GrantCurator,
    NewInvite,
    PairAct,
    PairAction,
    PairCard,
    PersonCard,
    PickCalendar,
    PickSchool,
    ProgressChart,
    RevokeCurator,
    ShiftCalendar,
)
from models import CalendarChoice, Invite, Pair, School, SchoolCurator
from models.base import utcnow
from services import access, pairs
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    active_pair,
    become_coordinator,
    invite_code,
    join,
    make_municipality,
    propose_meeting,
    register,
    register_curator,
    school_with_pair_candidates,
    stored_user,
    the_pair,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db
STALE = "Эта кнопка больше не действует."


async def ids(running, *people) -> list[int]:
    async with running.session() as session:
        return [(await stored_user(session, person.user.id)).id for person in people]


async def test_moving_school_means_being_confirmed_again(running):
    curator, _, anna = await active_pair(running)
    # While in a pair at her school, Anna cannot move away from it.
    await anna.send("/profile")
    await anna.press("✏️ Школа")
    said = texts(await anna.send("Гимназия 2"))
    assert any("Вы сейчас в паре в другой школе" in text for text in said)
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).profile.school.name == "МОУ СОШ №1"
    # A confirmed teacher without a pair moves: her role waits for the new school's curator,
    # and she is nobody's candidate there until then.
    olga = running.person(300)
    await join(running, curator, olga, {**TEACHER_MENTOR, "name": "Орлова Ольга"},
               "Наставник (педагог)")
    await olga.send("/profile")
    await olga.press("✏️ Школа")
    await olga.send("Гимназия 2")
    async with running.session() as session:
        moved = await stored_user(session, olga.user.id)
        assert moved.profile.school.name == "Гимназия 2"
        assert [(r.confirmed_at, r.school_id) for r in moved.roles] == [
            (None, moved.profile.school_id)]
    newcomer = running.person(301)
    await register(newcomer, {**TEACHER_MENTEE, "name": "Новикова Нина", "school": "Гимназия 2"})
    await curator.send("/confirm")
    await curator.press("Гимназия 2")
    await curator.press("Новикова Нина")
    await curator.send("/match")
    await curator.press("Гимназия 2")
    assert "Новикова Нина" in curator.last.text or "Новикова" in str(curator.messages()[-3:])
    assert "Орлова" not in "\n".join(m.text for m in curator.messages()[-3:])


async def test_join_carries_other_roles_unconfirmed(running):
    curator = await register_curator(running)
    petr = running.person(100)
    await join(running, curator, petr, TEACHER_MENTOR, "Наставник (педагог)")
    await register(running.person(101), {**TEACHER_MENTEE, "school": "Гимназия 2"})
    await petr.send("/profile")
    await petr.press("Добавить роль")
    await petr.press("Наставляемый (педагог)")
    await petr.press("Молодой специалист")
    async with running.session() as session:
        second = await session.scalar(select(School.id).where(School.name == "Гимназия 2"))
    # The regional curator invites Petr into the second school as a mentee.
    code = await invite_code(curator, "Наставляемый (педагог)", "Гимназия 2")
    await petr.send(f"/join {code}")
    async with running.session() as session:
        user = await stored_user(session, petr.user.id)
        held = {role.role: (role.school_id, role.confirmed_at is not None) for role in user.roles}
    assert held == {"mentor_teacher": (second, False), "mentee_teacher": (second, True)}


async def test_a_person_card_shows_only_the_pairs_of_the_curators_schools(running):
    curator, _, anna = await active_pair(running)
    await curator.send("/pairs")
    await curator.press("Завершить")
    await curator.press("Да, завершить")
    await anna.send("/profile")
    await anna.press("✏️ Школа")
    await anna.send("Гимназия 2")
    # Oleg, a confirmed teacher of the second school, becomes its curator.
    oleg = running.person(301)
    code = await invite_code(curator, "Наставник (педагог)", "Гимназия 2")
    await register(oleg, {**TEACHER_MENTOR, "name": "Орлов Олег", "school": "Гимназия 2"})
    await oleg.send(f"/join {code}")
    await curator.send("/curators")
    await curator.press("Гимназия 2")
    await curator.press("Сделать куратором: Орлов")
    (anna_id,) = await ids(running, anna)
    said = texts(await oleg.press_data(PersonCard(user=anna_id).pack()))
    (card,) = [text for text in said if "Наставляемая 0" in text]
    assert "<b>Пары</b>: 0" in card
    assert not any("Наставник 0" in label for label, _ in oleg.last.buttons())


async def test_an_unconfirmed_stranger_sees_no_names(running):
    curator, mentors, _ = await school_with_pair_candidates(running)
    stranger = running.person(400)
    await register(stranger, {**TEACHER_MENTEE, "name": "Чужой Человек"})
    await stranger.send("/surveys")
    await stranger.press("Начать: Предпочтения")
    shown = "\n".join(f"{m.text} {m.buttons()}" for m in stranger.messages()[-3:])
    assert "Наставник 0" not in shown
    # Confirmed by the curator, she sees them.
    await curator.send("/confirm")
    await curator.press("Чужой Человек")
    await stranger.send("/surveys")
    await stranger.press("Продолжить: Предпочтения")
    assert "Наставник 0" in str(stranger.last.buttons())
    assert mentors


async def test_a_refused_pair_shares_nothing_with_the_mentor(running):
    curator, (petr,), (anna,) = await school_with_pair_candidates(running)
    await curator.send("/match")
    await curator.press("Принять")
    # Proposed only: no report, no card, no diagnosis for the mentor.
    said = texts(await petr.send("/report"))
    assert any("доступен наставнику, у которого есть пара" in text for text in said)
    await anna.press("Отказаться")
    await anna.send("Не подходит время")
    async with running.session() as session:
        pair = await session.scalar(select(Pair))
    (anna_id,) = await ids(running, anna)
    for forged in (PairCard(pair=pair.id), ProgressChart(user=anna_id)):
        assert texts(await petr.press_data(forged.pack())) == [STALE], forged
    await petr.send("/pair")
    assert not petr.last.buttons()
    said = texts(await petr.send("/report"))
    assert any("доступен наставнику, у которого есть пара" in text for text in said)


async def test_the_mentors_note_is_not_the_mentees_to_read(running, clock):
    from datetime import UTC, datetime

    _, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    await anna.press("Принять")
    clock.current = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
    await running.outbox.pump()
    said = texts(await petr.press("Да"))
    assert any("её видите вы и куратор школы, наставляемый — нет" in text for text in said)
    await petr.send("Анна пока путается в оценивании")
    for _, mine in files(await petr.send("/mydata")):  # in words, then as data
        assert "путается в оценивании" in mine.decode("utf-8")
    (_, her_words), (_, hers) = files(await anna.send("/mydata"))
    meeting = json.loads(hers)["pairs"][0]["meetings"][0]
    assert meeting["mentor_note"] is None and meeting["topic"] == "Разбор урока"
    assert "Разбор урока" in her_words.decode("utf-8")
    for document in (hers, her_words):
        assert "путается" not in document.decode("utf-8")


async def test_curator_rights_go_only_to_confirmed_teachers(running):
    curator, _, _ = await active_pair(running)
    kolya = running.person(300)
    await join(running, curator, kolya, PUPIL_MENTEE, "Ученик-наставляемый")
    (kolya_id,) = await ids(running, kolya)
    async with running.session() as session:
        school_id = await session.scalar(select(School.id))
    said = texts(await curator.press_data(GrantCurator(school_id=school_id,
                                                       user_id=kolya_id).pack()))
    assert said == [STALE]
    assert texts(await kolya.send("/export")) == ["Эта команда — для куратора программы."]
    async with running.session() as session:
        assert (await session.scalars(select(SchoolCurator))).all() == []


# --- the README's table, cell by cell ---------------------------------------------------------

def readme_table() -> tuple[list[str], dict[str, list[bool]]]:
    """The policy table of the README: its columns, and each row's cells (✅ or —)."""
    lines = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| what |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert set(cells[1:]) <= {"✅", "—"}, line
        rows[cells[0]] = [cell == "✅" for cell in cells[1:]]
    return header[1:], rows


async def member(running, curator, telegram_id: int, profile: dict) -> object:
    """Somebody confirmed in their school by its invitation."""
    person = running.person(telegram_id)
    code = await invite_code(curator, profile["role"], profile["school"])
    await register(person, profile)
    await person.send(f"/join {code}")
    return person


async def test_the_readme_table_is_the_policy(running):
    second = "Гимназия 2"
    regional = await register_curator(running)
    # The second school exists before anybody is invited into either.
    await register(running.person(940), {**TEACHER_MENTEE, "name": "Житель", "school": second})
    people = {
        "school curator": await member(running, regional, 910, {
            **TEACHER_MENTEE, "name": "Школьная Кураторша"}),
        "member": await member(running, regional, 920, {**TEACHER_MENTOR, "name": "Член Школы"}),
        "mentor": await member(running, regional, 100, {**TEACHER_MENTOR, "name": "Наставник"}),
        "mentee": await member(running, regional, 200, {**TEACHER_MENTEE, "name": "Ученица"}),
        "pupil mentor": await member(running, regional, 300, PUPIL_MENTOR),
        "pupil mentee": await member(running, regional, 301, PUPIL_MENTEE),
        "group teacher": await member(running, regional, 102, {**TEACHER_MENTOR,
                                                                "name": "Учитель Группы"}),
        "other school's curator": await member(running, regional, 930, {
            **TEACHER_MENTOR, "name": "Чужой Куратор", "school": second}),
        "regional curator": regional,
    }
    await make_municipality(regional, "Городской округ Энск", "МОУ СОШ №1")
    await make_municipality(regional, "Северный район", second)
    people["municipal coordinator"] = await become_coordinator(
        running, regional, 950, "Городской округ Энск", "Координатор Энска")
    people["other municipality's coordinator"] = await become_coordinator(
        running, regional, 960, "Северный район", "Координатор Севера")
    refuser = await member(running, regional, 210, {**TEACHER_MENTEE, "name": "Отказница"})
    stranger = running.person(400)
    await register(stranger, {**TEACHER_MENTEE, "name": "Посторонний"})
    people["stranger"] = stranger
    for name, school in (("Школьная", "МОУ СОШ №1"), ("Чужой", second)):
        await regional.send("/curators")
        await regional.press(school)
        await regional.press(f"Сделать куратором: {name}")
    mentor, mentee = people["mentor"], people["mentee"]
    mentor_id, mentee_id, refuser_id = await ids(running, mentor, mentee, refuser)
    await regional.press_data(AcceptMatch(mentee=mentee_id, mentor=mentor_id).pack())
    await mentee.press("Согласен")
    await mentor.press("Согласен")
    await regional.press_data(AcceptMatch(mentee=refuser_id, mentor=mentor_id).pack())
    await refuser.press("Отказаться")
    await refuser.send("Не подходит")
    said = texts(await people["pupil mentor"].send("/invite"))
    code = next(t for t in said if "<code>" in t).split("<code>")[1].split("</code>")[0]
    await people["pupil mentee"].send(f"/join {code}")
    await people["pupil mentee"].press("Согласен")
    await people["pupil mentor"].press("Согласен")
    await people["pupil mentor"].send("/invite")  # the invitation the row «take» is about
    # The group teacher's active «учитель – ученик» group: the pupil mentee and Gala.
    gala = await member(running, regional, 302, {**PUPIL_MENTEE, "name": "Группова Гала"})
    in_group = await ids(running, people["group teacher"], people["pupil mentee"], gala)
    async with running.session() as session:
        group = await pairs.propose(
            session, school_id=(await stored_user(session, gala.user.id)).profile.school_id,
            form=Form.TEACHER_PUPIL, mentor_id=in_group[0], mentee_ids=in_group[1:],
            created_by=None, variant=Variant.TEACHER_SPECIAL_NEEDS, now=utcnow(),
            agreed=in_group)
        group.status = pairs.PairStatus.ACTIVE
        await session.commit()

    roots = running.app.settings.curator_ids
    async with running.session() as session:
        users = {name: await stored_user(session, person.user.id)
                 for name, person in people.items()}
        school, municipality = (await session.execute(
            select(School.id, School.municipality_id).where(School.name == "МОУ СОШ №1"))).one()
        active, refused, pupils, group = (await session.scalars(
            select(Pair).order_by(Pair.id))).all()
        assert (active.status, refused.status, pupils.status) == (
            "active", "cancelled", "active")
        invitation = await session.scalar(select(Invite).where(Invite.kind == "pair",
                                                               Invite.uses == 0))
        pupil_mentee = users["pupil mentee"]
        other_pupil = await stored_user(session, gala.user.id)
        checks = {
            "the names of the school's people (preference lists)":
                lambda v: access.may_see_names(session, v, school, roots),
            "the pair's card: plan, meetings, diagnoses":
                lambda v: access.may_see_pair(session, v, active, roots),
            "the card of a refused pair":
                lambda v: access.may_see_pair(session, v, refused, roots),
            "the mentee's diagnoses and progress chart":
                lambda v: access.may_see_progress(session, v, users["mentee"].id, roots),
            "the mentor's notes on the pair's meetings":
                lambda v: access.may_read_notes(session, v, active, roots),
            "the mentee's Telegram contact":
                lambda v: access.may_see_contact(session, v, users["mentee"], roots),
            "the pupil mentee's Telegram contact":
                lambda v: access.may_see_contact(session, v, pupil_mentee, roots),
            "the pupil mentee's card: profile, roles, questionnaires":
                lambda v: access.curates_person(session, v, pupil_mentee.id, roots),
            "fill in the mentor's position and key competences from their card":
                lambda v: access.may_describe_mentor(session, v, users["mentor"].id, roots),
            "the «учитель – ученик» group's card: plan, meetings, diagnoses":
                lambda v: access.may_see_pair(session, v, group, roots),
            "the group teacher's Telegram contact":
                lambda v: access.may_see_contact(session, v, users["group teacher"], roots),
            "the contact of the other pupil in the pupil mentee's group":
                lambda v: access.may_see_contact(session, v, other_pupil, roots),
            "the group's variant (its proposal, its card)":
                lambda v: _sees_variant(session, v, group, roots),
            "invite a pupil into a pair (/invite)":
                lambda v: _is_some(access.pupil_mentor_school(session, v)),
            "take the pupil mentor's invitation":
                lambda v: access.may_join_pupil_pair(session, v, invitation),
            "become the school's curator":
                lambda v: access.may_become_curator(session, school, v.id),
            "the school's summary, exports, invitations, confirmations, pairs":
                lambda v: access.may_curate(session, v, school, roots),
            "the municipality's summary, roll-up and comparison of its schools":
                lambda v: access.may_see_municipality(session, v, municipality, roots),
            "the region's structure: municipalities, their schools, coordinators "
            "(/municipalities)": lambda v: _is_true(access.may_manage_region(v, roots)),
        }
        columns, rows = readme_table()
        assert set(columns) == set(users) and set(rows) == set(checks)
        wrong = [f"{what} / {column}: the README says {'✅' if cell else '—'}"
                 for what, cells in rows.items()
                 for column, cell in zip(columns, cells, strict=True)
                 if await checks[what](users[column]) != cell]
    assert not wrong, "\n".join(wrong)


async def _is_some(value) -> bool:
    return await value is not None


async def _is_true(value: bool) -> bool:
    return value


async def _sees_variant(session, viewer, pair, roots) -> bool:
    """Those who see the pair at all (its members, in its proposal; the curators) and whom
    the policy lets see its variant."""
    sees_pair = pairs.member(pair, viewer.id) is not None \
        or await access.may_curate(session, viewer, pair.school_id, roots)
    return sees_pair and access.may_see_variant(pair, viewer.id)


async def test_a_school_curators_buttons_for_another_school_are_refused_by_the_filters(running):
    """handlers/access_filters.py: each press about a school or a pair the presser does not
    curate (a forged button, or one from before they lost the school) is answered as a button
    that no longer works, and changes nothing; their own school's buttons work."""
    await active_pair(running)  # in SCHOOL, curated by the regional curator
    pair = await the_pair(running)
    petr = running.person(7)
    await register(petr, {**TEACHER_MENTOR, "school": "Гимназия 2"})
    async with running.session() as session:
        petr_user = await stored_user(session, petr.user.id)
        own_school = petr_user.profile.school_id
        for role in petr_user.roles:  # a curator is a confirmed teacher of the school
            role.confirmed_at = utcnow()
        session.add(SchoolCurator(school_id=own_school, user_id=petr_user.id))
        await session.commit()

    async def state() -> tuple:
        async with running.session() as session:
            return (
                (await session.scalars(select(Invite.school_id))).all(),
                (await session.scalars(select(SchoolCurator.school_id))).all(),
                (await session.scalars(select(CalendarChoice.school_id))).all(),
                (await session.get(Pair, pair.id)).status,
            )

    before = await state()
    other = pair.school_id
    forged = [PickSchool(action="invites", school_id=other),
              NewInvite(school_id=other, role="mentor_teacher"),
              GrantCurator(school_id=other, user_id=petr_user.id),
              RevokeCurator(school_id=other, user_id=petr_user.id, sure=True),
              PickCalendar(school_id=other, calendar="programme_001"),
              ShiftCalendar(school_id=other, days=7),
              PairAction(pair=pair.id, act=PairAct.END, sure=True)]
    for data in forged:
        assert texts(await petr.press_data(data.pack())) == ["Эта кнопка больше не действует."]
    assert await state() == before
    said = texts(await petr.press_data(NewInvite(school_id=own_school,
                                                 role="mentor_teacher").pack()))
    assert any("Приглашение: Гимназия 2" in text for text in said), said
