"""Binding a pair's group chat with /link, notices there, unbinding when the bot is removed."""

from datetime import UTC, datetime

import pytest
from aiogram.types import Chat, ChatMemberLeft, ChatMemberMember, ChatMemberUpdated

from tests.flows import PUPIL_MENTEE, active_pair, register, the_pair
from tests.telegram import BOT_USER, texts

pytestmark = pytest.mark.db
GROUP = Chat(id=-100500, type="supergroup", title="Наша пара")






async def test_only_a_member_binds_and_notices_follow(running):
    curator, _, anna = await active_pair(running)
    outsider = running.person(555)
    await register(outsider, PUPIL_MENTEE)
    said = texts(await outsider.send("/link", chat=GROUP))
    assert said == ["У вас нет действующей пары, которую можно привязать к этому чату."]
    stranger = running.person(556)
    said = texts(await stranger.send("/link@mentoring_test_bot", chat=GROUP))
    assert said == ["Сначала напишите боту в личные сообщения /start — так я узнаю, кто вы."]
    assert (await the_pair(running)).chat_id is None
    said = texts(await anna.send("/link", chat=GROUP))
    assert said == ["Чат привязан к паре Наставник 0 → Наставляемая 0. "
                    "Сюда будут приходить напоминания и уведомления пары."]
    assert (await the_pair(running)).chat_id == GROUP.id
    # Ordinary talk in the group is not the bot's business.
    assert texts(await anna.send("Встречаемся в четверг?", chat=GROUP)) == []
    await curator.send("/pairs")
    await curator.press("Завершить")
    await curator.press("Да, завершить")
    group_messages = list(running.bot.session.chats[GROUP.id].values())
    assert group_messages[-1].text == "Работа пары Наставник 0 → Наставляемая 0 завершена. Спасибо!"


async def test_removing_the_bot_unbinds_and_migration_moves_the_binding(running):
    _, _, anna = await active_pair(running)
    await anna.send("/link", chat=GROUP)
    await anna.send(chat=GROUP, migrate_to_chat_id=-100600)
    assert (await the_pair(running)).chat_id == -100600
    moved = Chat(id=-100600, type="supergroup", title="Наша пара")
    await anna.feed(my_chat_member=ChatMemberUpdated(
        chat=moved, from_user=anna.user, date=datetime.now(UTC),
        old_chat_member=ChatMemberMember(user=BOT_USER),
        new_chat_member=ChatMemberLeft(user=BOT_USER)))
    assert (await the_pair(running)).chat_id is None


async def test_only_an_active_pair_all_of_whose_members_are_in_the_group_is_bound(running):
    curator, petr, anna = await active_pair(running)
    # Anna's group holds her and strangers, not Petr: nothing is bound, no name is said there.
    running.bot.session.group_members[GROUP.id] = {anna.user.id, 777001}
    said = texts(await anna.send("/link", chat=GROUP))
    assert said == ["Сначала добавьте в эту группу всех участников пары: к чату можно привязать "
                    "пару, только если в нём есть все её участники."]
    assert (await the_pair(running)).chat_id is None
    running.bot.session.group_members[GROUP.id].add(petr.user.id)
    said = texts(await anna.send("/link", chat=GROUP))
    assert said[0].startswith("Чат привязан к паре")
    # A pair only proposed (the other side has not agreed) cannot be bound.
    await curator.send("/pairs")
    await curator.press("Завершить")
    await curator.press("Да, завершить")
    assert texts(await anna.send("/link", chat=GROUP)) == [
        "У вас нет действующей пары, которую можно привязать к этому чату."]
