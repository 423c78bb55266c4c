"""Pairs through the bot: /match suggestions, mutual consent, refusals, capacities, /pair,
ending a pair with the final questionnaires."""

from datetime import date

import pytest
from sqlalchemy import select

from domain.roles import Form
from handlers.callbacks import AcceptMatch, ChooseMentor, PairAction, PairReply
from models import Meeting, Pair, PairMember
from services import pairs
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    active_pair,
    diagnose,
    join,
    propose_meeting,
    reassign,
    register,
    register_curator,
    school_with_pair_candidates,
    stored_user,
    the_pair,
)
from tests.telegram import texts

pytestmark = pytest.mark.db










async def test_matching_reads_the_situation_the_profile_asked_once(running):
    """The mentee's situation is asked in the profile only: the diagnosis shows its burnout
    question on that answer, and the pair's variant comes from it."""
    curator = await register_curator(running)
    petr = running.person(100)
    await join(running, curator, petr, TEACHER_MENTOR, "Наставник (педагог)")
    await diagnose(petr, [3, 3, 3, 3, 0, 0, 0, 0], "Диагностика: сильные")
    vera = running.person(200)
    await join(running, curator, vera, {**TEACHER_MENTEE, "category": "Выгорание"},
               "Наставляемый (педагог)")
    await vera.press("Начать: Диагностика")
    shown = []
    for score in [3, 2, 0, 0, 0, 0, 0, 3]:
        shown.append(vera.last.text)
        await vera.press(str(score))
    assert "Если хотите, коротко расскажите, что сейчас даётся вам труднее всего." in vera.last.text
    await vera.press("Пропустить")
    await vera.send("Помощь с нагрузкой")
    assert not any("Что лучше всего описывает вашу ситуацию" in text for text in shown)
    await curator.send("/match")
    await curator.press("Принять")
    pair = await the_pair(running)
    assert pair.variant == "leader_struggling"


async def test_match_then_both_agree_starts_the_pair_with_a_plan(running):
    curator, (petr,), (anna,) = await school_with_pair_candidates(running)
    await curator.send("/match")
    suggestion = curator.last.text
    assert "Наставляемая 0</b> ← наставник <b>Наставник 0</b>" in suggestion
    assert "закрывает слабые области: формы и методы обучения, педагогические технологии" \
        in suggestion
    assert "тот же предмет: Математика" in suggestion
    assert "свободных мест у наставника: 2" in suggestion
    said = texts(await curator.press("Принять"))
    assert any("Предложение отправлено" in t for t in said)
    pair = await the_pair(running)
    assert pair.status == "proposed" and pair.variant == "experienced_young"
    assert [m.consent for m in pair.members] == [None, None]
    assert "Куратор предлагает наставническую пару" in anna.last.text
    assert "Куратор предлагает наставническую пару" in petr.last.text
    # One mentee is named as one (the role's word), not «Наставляемые».
    assert "\nНаставляемый: Наставляемая 0\n" in petr.last.text
    said = texts(await anna.press("Согласен"))
    assert "Спасибо! Ждём согласия второй стороны." in said
    assert (await the_pair(running)).status == "proposed"
    await petr.press("Согласен")
    assert "Пара начала работу" in anna.last.text and "Наставник 0" in anna.last.text
    assert "Пара начала работу" in petr.last.text and "Наставляемая 0" in petr.last.text
    assert "Пара начала работу: Наставник 0 → Наставляемая 0" in curator.last.text
    pair = await the_pair(running)
    assert pair.status == "active"
    assert pair.started_on == date(2026, 11, 22) and pair.planned_end == date(2027, 5, 31)
    assert [item.area for item in pair.plan] == ["area_methods", "area_safety",
                                                 "area_technologies"]
    await anna.send("/pair")
    card = anna.last.text
    assert "Наставник: Наставник 0 · Математика · <a href=\"tg://user?id=100\">" in card
    assert "работает" in card


async def test_a_refusal_goes_back_to_the_curator_with_the_reason(running):
    curator, (petr,), (anna,) = await school_with_pair_candidates(running)
    await curator.send("/match")
    await curator.press("Принять")
    said = texts(await anna.press("Отказаться"))
    assert any("Напишите коротко причину" in t for t in said)
    assert "Наставляемая 0 отказался(-ась) от пары" in petr.last.text
    assert "отказался(-ась) от пары: Наставник 0 → Наставляемая 0" in curator.last.text
    await anna.send("Не совпадает расписание")
    assert "Причина отказа (Наставляемая 0, пара Наставник 0 → Наставляемая 0): " \
        "Не совпадает расписание" in curator.last.text
    pair = await the_pair(running)
    assert pair.status == "cancelled"
    refusal = next(m for m in pair.members if m.side == "mentee")
    assert refusal.consent == "declined" and refusal.decline_reason == "Не совпадает расписание"
    # Petr's button no longer works; the mentee is free for /match again.
    said = texts(await petr.press("Согласен"))
    assert said == ["Эта кнопка больше не действует."]
    await curator.send("/match")
    assert "Наставляемая 0</b> ← наставник" in curator.last.text


async def test_capacity_holds_and_the_rest_are_named(running):
    curator, _, _ = await school_with_pair_candidates(running, mentors=1, mentees=2,
                                                      capacity="1")
    await curator.send("/match")
    messages = [m.text for m in curator.messages()[-3:]]
    assert any("Предложено пар: 1" in t for t in messages)
    assert "Без предложения (не хватило мест): 1" in curator.last.text
    await curator.press("Принять")
    await curator.send("/match")
    said = texts(await curator.press("Подобрать наставника: Наставляемая"))
    assert said[-1] == "Свободных мест у наставников нет."
    async with running.session() as session:
        assert len((await session.scalars(select(PairMember))).all()) == 2


async def test_only_curators_and_members_can_press_pair_buttons(running):
    curator, (petr,), (anna,) = await school_with_pair_candidates(running)
    async with running.session() as session:
        anna_id = (await stored_user(session, anna.user.id)).id
        petr_id = (await stored_user(session, petr.user.id)).id
    forged = AcceptMatch(mentee=anna_id, mentor=petr_id).pack()
    assert texts(await petr.press_data(forged)) == ["Эта кнопка больше не действует."]
    assert await the_pair(running) is None
    await curator.press_data(forged)
    pair = await the_pair(running)
    # The same button again cannot make a second pair.
    assert texts(await curator.press_data(forged)) == ["Эта кнопка больше не действует."]
    stranger = running.person(999)
    await register(stranger, TEACHER_MENTEE)
    reply = PairReply(pair=pair.id, agree=True).pack()
    assert texts(await stranger.press_data(reply)) == ["Эта кнопка больше не действует."]
    await anna.press_data(reply)
    assert texts(await anna.press_data(reply)) == ["Эта кнопка больше не действует."]
    assert (await the_pair(running)).status == "proposed"


async def test_match_buttons_only_for_an_unpaired_confirmed_mentee(running):
    # A stale or forged «Подобрать наставника»/«Принять» for anybody else used to fail the
    # update, after making a pair nobody was asked about (a pupil as the mentee).
    curator, (petr,), _ = await school_with_pair_candidates(running)
    kolya = running.person(301)
    await register(kolya, PUPIL_MENTEE)  # the same school, not a mentee teacher
    async with running.session() as session:
        kolya_id = (await stored_user(session, kolya.user.id)).id
        petr_id = (await stored_user(session, petr.user.id)).id
    for forged in (ChooseMentor(mentee=kolya_id), AcceptMatch(mentee=kolya_id, mentor=petr_id),
                   ChooseMentor(mentee=petr_id), AcceptMatch(mentee=petr_id, mentor=petr_id)):
        assert texts(await curator.press_data(forged.pack())) == [
            "Эта кнопка больше не действует."], forged
    assert await the_pair(running) is None
    await curator.send("/match")
    await curator.press("Выбрать вручную")
    assert "Наставник 0 (мест: 2)" in str(curator.last.buttons())


async def test_unconfirmed_people_are_not_matched_until_confirmed(running):
    curator = await register_curator(running)
    anna = running.person(1)
    await register(anna, TEACHER_MENTEE)
    await curator.send("/match")
    assert "нет наставляемых без пары" in curator.last.text
    await curator.send("/confirm")
    await curator.press("Иванова Анна")
    await curator.send("/match")
    assert "Наставляемых без пары: 1, свободных мест у наставников: 0" in \
        "\n".join(m.text for m in curator.messages()[-3:])


async def test_ending_a_pair_sends_the_final_questionnaires(running):
    curator, petr, anna = await active_pair(running)
    await curator.send("/pairs")
    assert "Наставник 0 → Наставляемая 0 — работает" in curator.last.text
    said = texts(await curator.press("Завершить"))
    # Asked once more; nothing has happened yet.
    assert said == ["Завершить работу пары Наставник 0 → Наставляемая 0? Участники получат "
                    "итоговые анкеты."]
    assert (await the_pair(running)).status == "active"
    await curator.press("Да, завершить")
    assert "Пара завершена" in curator.last.text
    assert "итоговые анкеты" in anna.last.text
    anna_buttons = [label for label, _ in anna.last.buttons()]
    assert anna_buttons == ["▶️ Начать: Диагностика профессиональных дефицитов",
                            "▶️ Начать: Анкета удовлетворённости наставляемого"]
    petr_buttons = [label for label, _ in petr.last.buttons()]
    assert petr_buttons == ["▶️ Начать: Анкета удовлетворённости наставника"]
    await anna.press("Диагностика профессиональных дефицитов")
    assert "Вопрос 1 из 9" in anna.last.text  # a new response: the re-diagnosis
    pair = await the_pair(running)
    assert pair.status == "completed" and pair.ended_at is not None
    # The confirmation pressed again on an ended pair is stale.
    said = texts(await curator.press_data(PairAction(pair=pair.id, act="end", sure=True).pack()))
    assert said == ["Эта кнопка больше не действует."]


async def test_curator_records_the_order_and_the_planned_end(running):
    curator, _, anna = await active_pair(running)
    await curator.send("/pairs")
    assert "До 31.05.2027 · приказ — от —" in curator.last.text
    await curator.press("Приказ")
    said = texts(await curator.send("приказ"))
    assert said == ["Не понял. Напишите номер и дату, например: 12-О от 01.09.2026"]
    said = texts(await curator.send("№ 12-О от 01.09.2026"))
    assert said == ["Приказ 12-О от 01.09.2026 сохранён."]
    await curator.send("/pairs")
    await curator.press("Срок")
    said = texts(await curator.send("15.12"))
    assert said == ["Срок работы пары — от одного месяца до одного учебного года. "
                    "Напишите другую дату."]
    said = texts(await curator.send("30.04.2027"))
    assert said == ["Плановое окончание: 30.04.2027."]
    pair = await the_pair(running)
    assert (pair.order_number, pair.order_date, pair.planned_end) == (
        "12-О", date(2026, 9, 1), date(2027, 4, 30))
    # The mentee cannot do the same with a forged button.
    said = texts(await anna.press_data(PairAction(pair=pair.id, act="order").pack()))
    assert said == ["Эта кнопка больше не действует."]


async def test_a_pair_ended_with_meetings_ahead_tells_both_which_are_off(running):
    curator, petr, anna = await active_pair(running)
    await propose_meeting(anna)
    await petr.press("Принять")
    await curator.send("/pairs")
    await curator.press("Завершить")
    await curator.press("Да, завершить")
    for person in (petr, anna):
        assert person.last.text == ("Запланированные встречи этой пары отменены, напоминаний о "
                                    "них не будет: 25.11.2026 15:30.")
    async with running.session() as session:
        assert await session.scalar(select(Meeting.status)) == "cancelled"
    # A pair that ends with nothing planned says nothing more.
    before = len(petr.messages())
    await curator.send("/pairs")
    assert "Завершить" not in str(curator.last.buttons())
    assert len(petr.messages()) == before


async def test_reassigning_a_teacher_pair_offers_teacher_mentors_never_a_pupil(running):
    curator, (first, second), (anna,) = await school_with_pair_candidates(running, mentors=2)
    masha = running.person(300)  # a confirmed pupil mentor of the same school
    await join(running, curator, masha, PUPIL_MENTOR, PUPIL_MENTOR["role"])
    await curator.send("/match")
    await curator.press("Принять")
    await anna.press("Согласен")
    async with running.session() as session:
        old = await session.scalar(select(Pair))
        mentor_id = pairs.mentor_of(old).user_id
        ids = {person: (await stored_user(session, person.user.id)).id
               for person in (anna, masha, first, second)}
    mentor = first if ids[first] == mentor_id else second
    await mentor.press("Согласен")
    name = "Наставник 0" if mentor is first else "Наставник 1"
    await reassign(curator, f"{name} → Наставляемая 0", "Наставляемая 0")
    assert [label for label, _ in curator.last.buttons()] == [
        "Наставник 0 (мест: 2)", "Наставник 1 (мест: 2)"]
    for forged in (AcceptMatch(mentee=ids[anna], mentor=ids[masha], replacing=old.id),
                   AcceptMatch(mentee=ids[anna], mentor=ids[masha])):
        assert texts(await curator.press_data(forged.pack())) == [
            "Эта кнопка больше не действует."], forged
    async with running.session() as session:
        assert len((await session.scalars(select(Pair))).all()) == 1
    other = "Наставник 1" if mentor is first else "Наставник 0"
    await curator.press(other)
    async with running.session() as session:
        new = await session.scalar(select(Pair).where(Pair.status == "proposed"))
    assert (new.form, new.variant) == ("teacher_teacher", "experienced_young")
    assert pairs.mentor_of(new).user_id == ids[second if mentor is first else first]


async def test_reassigning_a_teacher_pupil_pair_offers_teacher_mentors(running, clock):
    """«Учитель – ученик»: a teacher mentors a pupil, so its reassignment offers the school's
    teacher mentors, not its pupil mentors; a button can name only the form of the pair it
    replaces, for its own mentee."""
    curator, (first, second), (anna,) = await school_with_pair_candidates(running, mentors=2)
    masha, kolya = running.person(300), running.person(301)
    await join(running, curator, masha, PUPIL_MENTOR, PUPIL_MENTOR["role"])
    await join(running, curator, kolya, PUPIL_MENTEE, PUPIL_MENTEE["role"])
    async with running.session() as session:  # no command makes such a pair yet
        ids = {person: (await stored_user(session, person.user.id)).id
               for person in (anna, masha, kolya, first, second)}
        school_id = (await stored_user(session, kolya.user.id)).profile.school_id
        old = await pairs.propose(session, school_id=school_id, form=Form.TEACHER_PUPIL,
                                  mentor_id=ids[first], mentee_ids=[ids[kolya]],
                                  created_by=None, now=clock.now())
        old.status = "active"
        await session.commit()
    await reassign(curator, "Наставник 0 → Сидоров Коля", "Сидоров Коля")
    assert [label for label, _ in curator.last.buttons()] == [
        "Наставник 0 (мест: 2)", "Наставник 1 (мест: 2)"]
    for forged in (AcceptMatch(mentee=ids[kolya], mentor=ids[masha], replacing=old.id),
                   AcceptMatch(mentee=ids[kolya], mentor=ids[second]),
                   ChooseMentor(mentee=ids[anna], replacing=old.id),
                   AcceptMatch(mentee=ids[anna], mentor=ids[second], replacing=old.id)):
        assert texts(await curator.press_data(forged.pack())) == [
            "Эта кнопка больше не действует."], forged
    async with running.session() as session:
        assert len((await session.scalars(select(Pair))).all()) == 1
    await curator.press("Наставник 1")
    # The pair's variant is the curator's choice; Kolya asked for help with his studies.
    assert "По запросу ученика подходит «учитель – неуспевающий ученик»" in curator.last.text
    assert [label for label, _ in curator.last.buttons()] == [
        "⭐ учитель – неуспевающий ученик", "учитель – пассивный ученик",
        "учитель – одарённый ученик", "учитель – ребёнок с ОВЗ / ребёнок-инвалид"]
    await curator.press("одарённый ученик")
    await kolya.press("Согласен")
    await second.press("Согласен")
    async with running.session() as session:
        new = await session.scalar(select(Pair).where(Pair.status == "active"))
    assert (new.form, new.variant) == ("teacher_pupil", "gifted_pupil")
    assert {(m.side, m.user_id) for m in new.members} == {("mentor", ids[second]),
                                                          ("mentee", ids[kolya])}
