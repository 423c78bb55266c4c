"""«Ученик – ученик» pairs made by pupils: /invite links and codes (valid, used, expired, forged,
own), both sides' consent, the curator told and able to cancel."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers.callbacks import AcceptMatch, ChooseMentor, JoinPair
from models import Invite, Pair
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    consent,
    fill_profile,
    join,
    reassign,
    register,
    register_curator,
    stored_user,
    the_pair,
)
from tests.telegram import texts

pytestmark = pytest.mark.db
UNCONFIRMED_INVITER = ("Приглашать в пару можно, когда куратор школы подтвердит тебя как "
                       "ученика-наставника (/join КОД по приглашению куратора или подтверждение "
                       "в боте).")
UNCONFIRMED_INVITEE = ("Принять приглашение в пару может ученик-наставляемый, которого куратор "
                       "этой школы уже подтвердил. Попроси у куратора приглашение в школу "
                       "(/join КОД) или дождись подтверждения, а потом снова открой ссылку — она "
                       "действует 48 часов.")


async def pair_invite(pupil) -> tuple[str, str]:
    said = texts(await pupil.send("/invite"))
    text = next(t for t in said if "Приглашение в пару" in t)
    payload = re.search(r"\?start=(i_[A-Z0-9]+)", text).group(1)
    return payload, re.search(r"<code>([A-Z0-9-]+)</code>", text).group(1)




async def pupils(running, curator, *people):
    """Pupils confirmed in the school by its invitations, as a pupil pair requires."""
    for person, profile in people:
        await join(running, curator, person, profile, profile["role"])


async def test_invited_pupil_and_inviter_agree_and_the_curator_is_told(running):
    curator = await register_curator(running)
    masha, kolya = running.person(300), running.person(301)
    await pupils(running, curator, (masha, PUPIL_MENTOR), (kolya, PUPIL_MENTEE))
    payload, _ = await pair_invite(masha)
    said = texts(await kolya.send(f"/start {payload}"))
    # The offer is the one open question: no questionnaire list or menu after it.
    assert said == ["Кузнецова Маша приглашает тебя в пару «ученик – ученик». Согласен(на)?"]
    said = texts(await kolya.press("Согласен"))
    assert "Спасибо! Ждём согласия второй стороны." in said
    assert "Куратор предлагает наставническую пару" in masha.last.text
    await masha.press("Согласен")
    assert "Пара начала работу" in masha.last.text
    assert "Пара начала работу" in kolya.messages()[-1].text
    assert "(ученик – ученик)" in curator.last.text and "Кузнецова Маша →" in curator.last.text
    pair = await the_pair(running)
    assert pair.status == "active" and pair.form == "pupil_pupil" and pair.variant == "peer"
    async with running.session() as session:
        kolya_user = await stored_user(session, kolya.user.id)
        assert [r.role for r in kolya_user.roles] == ["mentee_pupil"]
        assert kolya_user.profile.school.name == "МОУ СОШ №1"
    # The curator can cancel what the pupils formed.
    await curator.press("Отменить пару")
    await curator.press("Да, отменить")
    assert (await the_pair(running)).status == "cancelled"
    assert "Куратор отменил вашу пару." in masha.last.text


async def test_codes_that_must_not_let_anyone_in(running, clock):
    curator = await register_curator(running)
    masha, kolya, petya, anna = (running.person(i) for i in (300, 301, 302, 303))
    await pupils(running, curator, (masha, PUPIL_MENTOR))
    _, code = await pair_invite(masha)
    said = texts(await masha.send(f"/join {code}"))
    assert "Это ваше собственное приглашение — его нужно отправить другому ученику." in said
    await register(anna, TEACHER_MENTEE)
    said = texts(await anna.send(f"/join {code}"))
    assert "Это приглашение ученика в пару — его может принять только ученик." in said
    await pupils(running, curator, (kolya, PUPIL_MENTEE))
    await kolya.send(f"/join {code}")
    offer_message, agree = kolya.find_button("Согласен")
    await kolya.press_data(agree, offer_message)
    await pupils(running, curator, (petya, {**PUPIL_MENTEE, "name": "Петя"}))
    said = texts(await petya.send(f"/join {code}"))
    assert "Это приглашение уже использовано. Попросите новое." in said
    # Kolya's button, replayed by Petya, is refused the same way.
    said = texts(await petya.press_data(JoinPair(code=code.replace("-", ""), agree=True).pack()))
    assert said == ["Это приглашение уже использовано. Попросите новое."]
    _, second = await pair_invite(masha)
    clock.advance(timedelta(hours=49))
    said = texts(await petya.send(f"/join {second}"))
    assert "Срок этого приглашения истёк. Попросите новое у куратора." in said
    said = texts(await petya.send("/join AAAA-BBBB"))
    assert "Такого кода приглашения нет. Проверьте код или попросите новый у куратора." in said
    async with running.session() as session:
        (pair,) = (await session.scalars(select(Pair))).all()
        expected = {(await stored_user(session, p.user.id)).id for p in (masha, kolya)}
    assert {m.user_id for m in pair.members} == expected


async def test_only_pupil_mentors_invite_and_pupils_see_only_their_pairs(running):
    curator = await register_curator(running)
    masha, kolya, other = running.person(300), running.person(301), running.person(302)
    await pupils(running, curator, (masha, PUPIL_MENTOR), (kolya, PUPIL_MENTEE))
    said = texts(await kolya.send("/invite"))
    assert said == ["Приглашать в пару могут ученики-наставники. "
                    "Добавьте себе эту роль в /profile."]
    _, code = await pair_invite(masha)
    await kolya.send(f"/join {code}")
    await kolya.press("Согласен")
    await masha.press("Согласен")
    await kolya.send("/pair")
    card = kolya.last.text
    assert "Наставник: Кузнецова Маша" in card and "Учёба" not in card
    await register(other, {**PUPIL_MENTEE, "name": "Другой"})
    assert texts(await other.send("/pair")) == ["У вас пока нет пар."]


async def test_nobody_unconfirmed_pairs_with_a_child_or_learns_a_name(running):
    curator = await register_curator(running)
    # An adult who calls themselves a pupil mentor, never confirmed by the school.
    adult = running.person(400)
    await register(adult, {**PUPIL_MENTOR, "name": "Взрослый Дядя"})
    said = texts(await adult.send("/invite"))
    assert said == [UNCONFIRMED_INVITER]
    # A confirmed pupil mentor invites; a newcomer opening the link joins nothing and learns no
    # name until the school's curator confirms them.
    masha, newcomer, elsewhere = running.person(300), running.person(301), running.person(302)
    await pupils(running, curator, (masha, PUPIL_MENTOR))
    payload, code = await pair_invite(masha)
    await newcomer.send(f"/start {payload}")
    said = texts(await newcomer.press("Согласен"))
    assert any(text.startswith("Это приглашение в пару «ученик – ученик». Принять его можно, "
                               "когда куратор школы подтвердит тебя") for text in said)
    assert not any("Кузнецова" in text for text in said)
    # The invitation says who the newcomer is and where: neither is asked, and nothing else is
    # asked beside the profile's first question.
    assert not any("Кто вы" in text or "В какой школе" in text for text in said)
    assert "ФИО" in newcomer.last.text or "имя" in newcomer.last.text
    assert sum(bool(m.buttons()) for m in newcomer.messages()[-3:]) <= 1
    async with running.session() as session:
        stored = await stored_user(session, newcomer.user.id)
        assert [(r.role, r.confirmed_at) for r in stored.roles] == [("mentee_pupil", None)]
        assert stored.profile.school.name == "МОУ СОШ №1"
    await newcomer.send(PUPIL_MENTEE["name"])
    assert "В каком ты классе" in newcomer.last.text
    await fill_profile(newcomer, {"grade": PUPIL_MENTEE["grade"], "help": PUPIL_MENTEE["help"],
                                  "parent": None})
    assert "Профиль заполнен" in "\n".join(m.text for m in newcomer.messages()[-3:])
    said = texts(await newcomer.send(f"/join {code}"))
    assert UNCONFIRMED_INVITEE in said and not any("Кузнецова" in text for text in said)
    # Nor does a pupil confirmed in another school, nor the adult who adds a pupil role.
    other_curator = running.person(905)
    await consent(other_curator)
    await other_curator.send("Куратор Гимназии")
    await other_curator.send("Гимназия 2")
    await register(elsewhere, {**PUPIL_MENTEE, "school": "Гимназия 2"})
    said = texts(await elsewhere.send(f"/join {code}"))
    assert UNCONFIRMED_INVITEE in said
    await adult.send("/profile")
    await adult.press("Добавить роль")
    await adult.press("Ученик-наставляемый")
    said = texts(await adult.send(f"/join {code}"))
    assert UNCONFIRMED_INVITEE in said
    async with running.session() as session:
        assert (await session.scalars(select(Pair))).all() == []
        assert (await session.scalar(select(Invite).where(Invite.kind == "pair"))).uses == 0
    # Confirmed by the curator, the newcomer is offered the invitation they came with at once,
    # and takes it.
    await curator.send("/confirm")
    await curator.press("МОУ СОШ №1")
    await curator.press("Сидоров Коля")
    assert newcomer.last.text == \
        "Кузнецова Маша приглашает тебя в пару «ученик – ученик». Согласен(на)?"
    await newcomer.press("Согласен")
    await masha.press("Согласен")
    assert (await the_pair(running)).status == "active"


async def test_reassigning_a_pupil_pair_offers_the_schools_pupil_mentors_only(running):
    """«Переназначить» on a «ученик – ученик» pair offers the school's confirmed pupil mentors
    with a free place: no teacher (it offered teacher mentors before), no unconfirmed pupil, no
    pupil whose place is taken. A forged choice of a teacher is stale and changes nothing; the
    chosen pupil makes a new «ученик – ученик» pair that both pupils agree to."""
    curator = await register_curator(running)
    masha, kolya, dasha, sveta, lena = (running.person(i) for i in (300, 301, 302, 303, 304))
    await pupils(running, curator, (masha, PUPIL_MENTOR), (kolya, PUPIL_MENTEE),
                 (dasha, {**PUPIL_MENTOR, "name": "Орлова Даша"}),
                 (sveta, {**PUPIL_MENTOR, "name": "Белова Света"}),
                 (lena, {**PUPIL_MENTEE, "name": "Лебедева Лена"}))
    petr = running.person(100)
    await join(running, curator, petr, TEACHER_MENTOR, "Наставник (педагог)")
    vanya = running.person(305)  # a pupil mentor nobody confirmed
    await register(vanya, {**PUPIL_MENTOR, "name": "Неподтверждённый Ваня"})
    for mentor, mentee in ((sveta, lena), (masha, kolya)):  # Sveta's one place is Lena's
        _, code = await pair_invite(mentor)
        await mentee.send(f"/join {code}")
        await mentee.press("Согласен")
        await mentor.press("Согласен")
    await reassign(curator, "Кузнецова Маша → Сидоров Коля", "Сидоров Коля")
    assert [label for label, _ in curator.last.buttons()] == [
        "Кузнецова Маша (мест: 1)", "Орлова Даша (мест: 1)"]
    async with running.session() as session:
        ids = {person: (await stored_user(session, person.user.id)).id
               for person in (kolya, petr, dasha, vanya, sveta)}
        old = (await session.scalars(select(Pair).where(Pair.status == "cancelled"))).one()
    for forged in (AcceptMatch(mentee=ids[kolya], mentor=ids[petr], replacing=old.id),
                   AcceptMatch(mentee=ids[kolya], mentor=ids[petr]),
                   AcceptMatch(mentee=ids[kolya], mentor=ids[vanya], replacing=old.id),
                   AcceptMatch(mentee=ids[kolya], mentor=ids[sveta], replacing=old.id),
                   ChooseMentor(mentee=ids[kolya])):
        assert texts(await curator.press_data(forged.pack())) == [
            "Эта кнопка больше не действует."], forged
    async with running.session() as session:
        assert len((await session.scalars(select(Pair))).all()) == 2
    said = texts(await curator.press("Орлова Даша"))
    assert "Предложение отправлено: Сидоров Коля ← Орлова Даша. Пара начнёт работу, когда оба " \
        "согласятся." in said
    assert "Куратор предлагает наставническую пару" in kolya.last.text
    await kolya.press("Согласен")
    await dasha.press("Согласен")
    assert "Пара начала работу" in dasha.last.text
    async with running.session() as session:
        new = (await session.scalars(select(Pair).where(Pair.status == "active")
                                     .order_by(Pair.id.desc()))).first()
    assert (new.form, new.variant, new.school_id) == ("pupil_pupil", "peer", old.school_id)
    assert {(m.side, m.user_id) for m in new.members} == {("mentor", ids[dasha]),
                                                          ("mentee", ids[kolya])}
