"""«Учитель – ученик» pairs from /match (programme 002): the curator picks the form, sees a
teacher suggested for each confirmed pupil with the reasons, accepts, picks the variant, and the
pair starts when both agree; forged presses change nothing; the summary, the card and the export
count the pair under its form."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from domain.roles import Form, Variant
from handlers.callbacks import AcceptMatch, ChooseMentor, GroupPupil, MatchForm
from models import Pair
from services import pairs
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    join,
    register,
    register_curator,
    stored_user,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db
STALE = ["Эта кнопка больше не действует."]


async def school(running, clock):
    """A school with people for both forms of /match: Petr (maths, subject expert, two places),
    Olga (one place, taken by a teacher pair), a teacher mentee, Kolya (a confirmed pupil in
    grade 7 who wants help with studies, in a «ученик – ученик» pair with Masha) and Vanya (a
    pupil nobody confirmed)."""
    curator = await register_curator(running)
    petr, olga, anna = running.person(100), running.person(101), running.person(200)
    kolya, vanya = running.person(300), running.person(301)
    await join(running, curator, petr, TEACHER_MENTOR, "Наставник (педагог)")
    await join(running, curator, olga, {**TEACHER_MENTOR, "name": "Орлова Ольга", "capacity": "1",
                                        "subjects": ["История и обществознание"]},
               "Наставник (педагог)")
    await join(running, curator, anna, TEACHER_MENTEE, "Наставляемый (педагог)")
    await join(running, curator, kolya, PUPIL_MENTEE, PUPIL_MENTEE["role"])
    await register(vanya, {**PUPIL_MENTEE, "name": "Неподтверждённый Ваня"})
    masha = running.person(302)
    await join(running, curator, masha, PUPIL_MENTOR, PUPIL_MENTOR["role"])
    async with running.session() as session:
        ids = {person: (await stored_user(session, person.user.id)).id
               for person in (petr, olga, anna, kolya, vanya, masha)}
        school_id = (await stored_user(session, kolya.user.id)).profile.school_id
        # Olga's one place is Anna's (in another form: capacity counts every open pair).
        await pairs.propose(session, school_id=school_id, form=Form.TEACHER_TEACHER,
                            mentor_id=ids[olga], mentee_ids=[ids[anna]], created_by=None,
                            now=clock.now())
        # A pair of another form does not keep Kolya out of «учитель – ученик».
        await pairs.propose(session, school_id=school_id, form=Form.PUPIL_PUPIL,
                            mentor_id=ids[masha], mentee_ids=[ids[kolya]], created_by=None,
                            now=clock.now(), agreed=[ids[masha], ids[kolya]])
        await session.commit()
    return curator, (petr, olga, anna, kolya, vanya), ids, school_id


async def test_curator_pairs_a_teacher_with_a_pupil_through_match(running, clock):
    curator, (petr, olga, anna, kolya, vanya), ids, school_id = await school(running, clock)
    await curator.send("/match")
    assert curator.last.text == "Подбор пар в «МОУ СОШ №1»: в какой форме наставничества?"
    assert [label for label, _ in curator.last.buttons()] == ["учитель – учитель",
                                                              "учитель – ученик"]
    said = texts(await curator.press("учитель – ученик"))
    summary = next(t for t in said if "Подбор пар" in t)
    # Vanya is no one's mentee until the school confirms him; Olga has no free place.
    assert "МОУ СОШ №1 (учитель – ученик)" in summary
    assert "Наставляемых без пары: 1, свободных мест у наставников: 2." in summary
    assert not any("Ваня" in t or "Орлова" in t for t in said)
    suggestion = next(t for t in said if "←" in t)
    assert suggestion == (
        "<b>Сидоров Коля</b> ← наставник <b>Петров Пётр Петрович</b> · 25 балл.\n"
        "• отвечает на запрос ученика: Учёба, успеваемость\n"
        "• ведёт предметы 7-го класса\n"
        "• свободных мест у наставника: 2")
    # By hand, too, only Petr is offered.
    await curator.press("Выбрать вручную")
    assert [label for label, _ in curator.last.buttons()] == ["Петров Пётр Петрович (мест: 2)"]

    # Forged presses: a form /match does not offer, a form the pupil is not a mentee of, the
    # unconfirmed pupil, the mentor without places, a variant of another form.
    pupil = dict(mentee=ids[kolya], form=Form.TEACHER_PUPIL)
    for forged in (MatchForm(school_id=school_id, form=Form.PUPIL_PUPIL),
                   AcceptMatch(mentee=ids[kolya], mentor=ids[petr], form=Form.PUPIL_PUPIL),
                   AcceptMatch(mentee=ids[kolya], mentor=ids[petr]),
                   ChooseMentor(mentee=ids[kolya], form=Form.PUPIL_PUPIL),
                   AcceptMatch(mentee=ids[vanya], mentor=ids[petr], form=Form.TEACHER_PUPIL),
                   ChooseMentor(mentee=ids[vanya], form=Form.TEACHER_PUPIL),
                   AcceptMatch(mentor=ids[olga], **pupil),
                   AcceptMatch(mentor=ids[petr], variant=Variant.PEER, **pupil),
                   AcceptMatch(mentee=ids[anna], mentor=ids[petr], form=Form.TEACHER_PUPIL)):
        assert texts(await curator.press_data(forged.pack())) == STALE, forged
    # Nor may a teacher who curates nothing choose the form.
    assert texts(await petr.press_data(
        MatchForm(school_id=school_id, form=Form.TEACHER_PUPIL).pack())) == STALE
    async with running.session() as session:
        assert len((await session.scalars(select(Pair))).all()) == 2

    suggestion_message = next(m for m in reversed(curator.messages()) if "Сидоров Коля</b> ←"
                              in m.text)
    await curator.press("Принять", suggestion_message)
    assert "По запросу ученика подходит «учитель – неуспевающий ученик» (отмечен ⭐)" \
        in curator.last.text
    said = texts(await curator.press("⭐ учитель – неуспевающий ученик"))
    assert "Предложение отправлено: Сидоров Коля ← Петров Пётр Петрович. Пара начнёт работу, " \
        "когда оба согласятся." in said
    for person in (kolya, petr):
        assert "Куратор предлагает наставническую пару" in person.last.text
    # The variant is for the teacher: it tells of the pupil's school record.
    assert "Форма: учитель – ученик; вариант: учитель – неуспевающий ученик" in petr.last.text
    assert "Форма: учитель – ученик\n" in kolya.last.text and "вариант" not in kolya.last.text
    await kolya.press("Согласен")
    await petr.press("Согласен")
    assert "Пара начала работу" in petr.last.text
    async with running.session() as session:
        new = await session.scalar(select(Pair).where(Pair.form == "teacher_pupil"))
    assert (new.status, new.variant, new.school_id) == ("active", "underachiever", school_id)
    assert {(m.side, m.user_id, m.consent) for m in new.members} == {
        ("mentor", ids[petr], "agreed"), ("mentee", ids[kolya], "agreed")}
    # Kolya is paired in this form now: /match has nobody left to suggest in it.
    await curator.send("/match")
    said = texts(await curator.press("учитель – ученик"))
    assert said == ["В «МОУ СОШ №1» нет наставляемых без пары среди подтверждённых участников."]

    # The summary, the pair's card and the export count the pair under its form.
    said = texts(await curator.send("/summary"))
    summary = next(t for t in said if "Сводка" in t)
    assert "работает · учитель – ученик: 1" in summary
    assert "ждёт согласия · учитель – учитель: 1" in summary
    assert "ждёт согласия · ученик – ученик: 1" in summary
    await curator.send("/pairs")
    card_message = next(m for m in reversed(curator.messages())
                        if "Петров Пётр Петрович → Сидоров Коля" in m.text)
    said = texts(await curator.press("Подробнее", card_message))
    assert any("МОУ СОШ №1 · учитель – ученик · вариант: учитель – неуспевающий ученик" in t
               for t in said)
    ((_, content),) = files(await curator.send("/export"))
    rows = list(load_workbook(io.BytesIO(content), read_only=True)["Пары"]
                .iter_rows(values_only=True))
    (row,) = [row for row in rows[1:] if "учитель – ученик" in row]
    assert "учитель – неуспевающий ученик" in row and "работает" in row
    await curator.send("/summary")
    await curator.press("учитель – ученик")
    ((_, content),) = files(await curator.press("Excel"))
    rows = list(load_workbook(io.BytesIO(content), read_only=True)["Пары"]
                .iter_rows(values_only=True))
    assert [row for row in rows[1:] if "учитель – ученик" in row] == [row] and len(rows) == 2


async def test_a_school_of_teachers_only_is_not_asked_the_form(running, clock):
    """Without confirmed pupils /match shows the teachers' suggestions at once, and a button
    naming «учитель – ученик» there is refused."""
    curator = await register_curator(running)
    petr, anna = running.person(100), running.person(200)
    await join(running, curator, petr, TEACHER_MENTOR, "Наставник (педагог)")
    await join(running, curator, anna, TEACHER_MENTEE, "Наставляемый (педагог)")
    said = texts(await curator.send("/match"))
    assert any("МОУ СОШ №1 (учитель – учитель)" in t for t in said)
    async with running.session() as session:
        school_id = (await stored_user(session, anna.user.id)).profile.school_id
        anna_id = (await stored_user(session, anna.user.id)).id
        petr_id = (await stored_user(session, petr.user.id)).id
    for forged in (MatchForm(school_id=school_id, form=Form.TEACHER_PUPIL),
                   AcceptMatch(mentee=anna_id, mentor=petr_id, form=Form.TEACHER_PUPIL),
                   AcceptMatch(mentee=anna_id, mentor=petr_id,
                               variant=Variant.TEACHER_GIFTED)):
        assert texts(await curator.press_data(forged.pack())) == STALE, forged
    await curator.press("Принять")
    async with running.session() as session:
        pair = await session.scalar(select(Pair))
    assert (pair.form, pair.variant) == ("teacher_teacher", "experienced_young")


async def test_curator_adds_pupils_to_a_proposed_pair_as_a_group_within_the_places(running,
                                                                                  clock):
    """One teacher, several pupils: «➕ Добавить ученика в группу» on a proposed «учитель –
    ученик» pair lists the school's confirmed pupils without such a pair; the one chosen is asked,
    and the mentor, who agreed to one pupil, is asked again; the group starts when all agree. A
    full mentor takes nobody more, and a forged press is stale."""
    curator, (petr, _, _, kolya, vanya), ids, _ = await school(running, clock)
    lena, dasha = running.person(303), running.person(304)
    for person, name in ((lena, "Лебедева Лена"), (dasha, "Орлова Даша")):
        await join(running, curator, person, {**PUPIL_MENTEE, "name": name, "grade": "2",
                                              "help": ["Творчество"]}, PUPIL_MENTEE["role"])
    async with running.session() as session:
        ids |= {person: (await stored_user(session, person.user.id)).id
                for person in (lena, dasha)}
    await curator.send("/match")
    await curator.press("учитель – ученик")
    suggestion = next(m for m in reversed(curator.messages()) if "Сидоров Коля</b> ←" in m.text)
    await curator.press("Принять", suggestion)
    await curator.press("⭐ учитель – неуспевающий ученик")
    await petr.press("Согласен")
    async with running.session() as session:
        group = await session.scalar(select(Pair).where(Pair.form == "teacher_pupil"))
        teachers = await session.scalar(select(Pair).where(Pair.form == "teacher_teacher"))
    # Olga's teacher pair has no such button, and a forged one is stale.
    assert texts(await curator.press_data(GroupPupil(pair=teachers.id).pack())) == STALE
    await curator.send("/pairs")
    shown = next(m for m in reversed(curator.messages())
                 if "Петров Пётр Петрович → Сидоров Коля" in m.text)
    await curator.press("Добавить ученика в группу", shown)
    assert curator.last.text.endswith("Свободных мест у наставника: 1.")
    assert [label for label, _ in curator.last.buttons()] == ["Лебедева Лена", "Орлова Даша"]
    for forged in (GroupPupil(pair=group.id, pupil=ids[vanya]),
                   GroupPupil(pair=group.id, pupil=ids[kolya])):
        assert texts(await petr.press_data(forged.pack())) == STALE
        assert texts(await curator.press_data(forged.pack())) == STALE
    said = texts(await curator.press("Лебедева Лена"))
    assert any(t.startswith("Лебедева Лена — в группе Петров Пётр Петрович → Сидоров Коля, "
                            "Лебедева Лена.") for t in said)
    for person in (lena, petr):
        assert "Куратор предлагает наставническую пару" in person.last.text
        assert "Наставляемые: Сидоров Коля, Лебедева Лена" in person.last.text
    # Petr's two places are taken: Dasha cannot join.
    await curator.press("Добавить ученика в группу", shown)
    assert curator.last.text == "Свободных мест у наставников нет."
    assert texts(await curator.press_data(
        GroupPupil(pair=group.id, pupil=ids[dasha]).pack())) == STALE
    await kolya.press("Согласен")
    await lena.press("Согласен")
    async with running.session() as session:
        assert (await session.get(Pair, group.id)).status == "proposed"  # Petr is asked again
    await petr.press("Согласен")
    async with running.session() as session:
        group = await session.get(Pair, group.id, populate_existing=True)
    assert group.status == "active"
    assert {(m.side, m.user_id, m.consent) for m in group.members} == {
        ("mentor", ids[petr], "agreed"), ("mentee", ids[kolya], "agreed"),
        ("mentee", ids[lena], "agreed")}
