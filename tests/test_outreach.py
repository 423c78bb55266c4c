"""/remind and /broadcast: only the right people are reached, through the outbox, once; the
curator is told what was delivered and who is unreachable."""

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from sqlalchemy import func, select

from handlers.callbacks import BroadcastGo, BroadcastStep, SummaryButton, SummaryView
from models import Campaign, OutboxMessage
from tests.flows import PUPIL_MENTEE, TEACHER_MENTEE, active_pair, join
from tests.telegram import texts

pytestmark = pytest.mark.db
STALE = "Эта кнопка больше не действует."


def blocked() -> TelegramForbiddenError:
    return TelegramForbiddenError(SendMessage(chat_id=1, text="x"), "Forbidden: bot was blocked")


async def test_remind_only_those_behind_and_report_delivery(running):
    curator, petr, anna = await active_pair(running)
    boris, vera = running.person(211), running.person(212)
    for person, name in ((boris, "Борис"), (vera, "Вера")):
        await join(running, curator, person, {**TEACHER_MENTEE, "name": name},
                   "Наставляемый (педагог)")
    await curator.send("/remind")
    assert "О какой анкете напомнить?" in curator.last.text
    said = texts(await curator.send("/remind diagnosis_mentee"))
    assert said == ["Напомнить об анкете «Диагностика профессиональных дефицитов»: 2 чел. "
                    "(МОУ СОШ №1 · Все формы)."]
    # Vera has blocked the bot by now.
    running.bot.session.failures[vera.user.id] = [blocked()]
    anna_before, petr_before = len(anna.messages()), len(petr.messages())
    said = texts(await curator.press("Напомнить (2)"))
    assert any(t.startswith("Поставлено в очередь: 2.") for t in said)
    assert "📬 Напоминание об анкете: отправлено 2. Доставлено: 1. Недоступны " \
           "(заблокировали бота): 1. Не удалось отправить: 0." in said
    assert "Куратор программы наставничества напоминает" in boris.last.text
    assert len(anna.messages()) == anna_before and len(petr.messages()) == petr_before
    # The reminder's button opens the questionnaire.
    said = texts(await boris.press("Начать: Диагностика"))
    assert any("Вопрос 1 из" in t for t in said)
    async with running.session() as session:
        campaign = await session.scalar(select(Campaign))
        assert campaign.kind == "remind" and campaign.recipients == 2
        assert campaign.reported_at is not None
        statuses = sorted((await session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.campaign_id == campaign.id))).all())
        assert statuses == ["failed", "sent"]
    said = texts(await curator.press("Статус доставки"))
    assert said == ["Всего 2: доставлено 1, недоступны 1, ошибки 0, ждут отправки 0."]
    # The same reminder again today adds nobody twice.
    await curator.send("/remind diagnosis_mentee")
    said = texts(await curator.press("Напомнить (2)"))
    assert "Ещё 2 уже получили такое сообщение — повторно не отправляем." in "\n".join(said)
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "remind")) == 2
    # Not a curator: refused, even with a forged button.
    assert texts(await petr.send("/remind diagnosis_mentee")) == [
        "Эта команда — для куратора программы."]
    said = texts(await petr.press_data(SummaryButton(view=SummaryView.REMIND_SEND,
                                                     code="diagnosis_mentee").pack()))
    assert said == ["Эта команда — для куратора программы."]


async def test_broadcast_to_a_role_after_preview(running):
    curator, petr, anna = await active_pair(running)
    kolya = running.person(301)
    await join(running, curator, kolya, PUPIL_MENTEE, "Ученик-наставляемый")
    await curator.send("/broadcast")
    assert "Получат: 3 чел." in curator.last.text
    await curator.press("Ученик-наставляемый")
    assert "Получат: 1 чел." in curator.last.text
    await curator.press("✓ Ученик-наставляемый")  # the same choice again: nothing breaks
    await curator.press("Все роли")
    await curator.press("учитель – учитель")
    assert "Получат: 2 чел." in curator.last.text
    await curator.press("Написать текст")
    said = texts(await curator.send("x" * 3001))
    assert said == ["Слишком длинно: 3\xa0001 символов, можно до 3\xa0000. Сократите текст "
                    "и отправьте снова."]
    said = texts(await curator.send("Встреча наставников <b>в пятницу</b> в 15:00"))
    assert said[0] == "Так объявление увидят 2 чел. (МОУ СОШ №1 · учитель – учитель):"
    preview = said[1]
    assert "&lt;b&gt;в пятницу&lt;/b&gt;" in preview  # the curator's text is not markup
    kolya_before = len(kolya.messages())
    said = texts(await curator.press("Отправить (2)"))
    assert any(t.startswith("Поставлено в очередь: 2.") for t in said)
    assert anna.last.text == preview and petr.last.text == preview
    assert len(kolya.messages()) == kolya_before
    assert any("📬 Объявление: отправлено 2. Доставлено: 2." in t for t in said)
    # «Send» pressed again on the same preview sends nothing more.
    said = texts(await curator.press_data(BroadcastGo(step=BroadcastStep.SEND).pack()))
    assert said == [STALE]
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "broadcast")) == 2
    # Cancelled after the preview: nothing is sent.
    await curator.send("/broadcast")
    await curator.press("Написать текст")
    await curator.send("Не отправлять")
    said = texts(await curator.press("Отмена"))
    assert "Объявление отменено, ничего не отправлено." in said
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert texts(await anna.send("/broadcast")) == ["Эта команда — для куратора программы."]


async def test_a_long_broadcast_full_of_markup_goes_out_whole(running):
    """Escaped, 3,000 typed characters of «<b>&» become some 15,000: more than fluent.runtime
    lets one placeable hold by default (2,500). The curator's text is previewed and delivered
    as typed, not failed."""
    curator, petr, anna = await active_pair(running)
    typed = "<b>&" * 750
    await curator.send("/broadcast")
    await curator.press("Написать текст")
    await curator.send(typed)
    assert curator.last.seen == f"📢 Объявление куратора\n{typed}"
    await curator.press("Отправить (2)")
    assert anna.last.seen == petr.last.seen == f"📢 Объявление куратора\n{typed}"
