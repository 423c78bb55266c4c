"""MAX's events as Telegram-shaped updates (bot.max.updates), on payloads MAX really sends, and
the addresses that tell the two messengers apart (domain.messengers).

The payloads are copied from the project's MAX notes, which name where each was recorded:
AGM is aiogram-max's live fixture (tests/fixtures/live_max_updates.json), GO the official Go
client's stubs (stabs/*.json), SCHEMA the official OpenAPI schema's examples. The calls and the
receiving side are in tests/test_max_session.py.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from aiogram.types import Update
from hypothesis import given
from hypothesis import strategies as st

from bot.max.updates import MAX_UPDATE_IDS, UpdateTranslator
from domain.messengers import (
    LARGEST_MAX_ID,
    MAX_SHIFT,
    Messenger,
    from_max,
    messenger_id,
    messenger_of,
    to_max,
)

AGM_BOT_ID = 277639678  # the bot of AGM's live fixture: recipient.user_id of a person's message
AGM_PERSON_ID = 212843158
GO_PERSON_ID = 123456789
GO_GROUP_ID = -70801090403050

# AGM: a person's message in their dialog with the bot.
DIALOG_MESSAGE = {
    "message": {
        "recipient": {"chat_id": 472107880, "chat_type": "dialog", "user_id": 277639678},
        "timestamp": 1785182044286,
        "body": {"mid": "mid.000000001c23cb68019fa524407e751a", "seq": 116993690454357274,
                 "text": "Тест"},
        "sender": {"user_id": 212843158, "first_name": "Тестовый Юзер", "last_name": "",
                   "is_bot": False, "last_activity_time": 1785182036000,
                   "name": "Тестовый Юзер"}},
    "timestamp": 1785182044286, "user_locale": "ru", "update_type": "message_created"}
# GO (stabs/webhook.message_created.json): a forwarded message in a group.
GROUP_MESSAGE = {
    "message": {
        "recipient": {"chat_id": -70801090403050, "chat_type": "chat"},
        "timestamp": 1775053255737,
        "body": {"mid": "mid.ffffbdb48e6c3775019d496b34394b84", "seq": 116327994376978687,
                 "text": "..."},
        "sender": {"user_id": 123456789, "first_name": "John", "last_name": "Doe",
                   "is_bot": False, "last_activity_time": 1775053249000, "name": "John Doe"},
        "link": {"type": "forward",
                 "message": {"mid": "mid.sha-more", "seq": 116327994376978687,
                             "text": "Лада седан - баклажан"},
                 "sender": {"user_id": 398398398, "first_name": "Tod", "last_name": "V",
                            "is_bot": False, "last_activity_time": 1775755269000,
                            "name": "Tod V"},
                 "chat_id": -695695695695}},
    "timestamp": 1775025604499, "update_type": "message_created"}
# AGM: a press on a button under the bot's own message (recipient.user_id is the presser).
CALLBACK = {
    "callback": {
        "timestamp": 1785182382767, "callback_id": "cb-live-1",
        "user": {"user_id": 212843158, "first_name": "Тестовый Юзер", "last_name": "",
                 "is_bot": False, "last_activity_time": 1785182380000, "name": "Тестовый Юзер"},
        "payload": "accept:1"},
    "message": {
        "recipient": {"chat_id": 472107880, "chat_type": "dialog", "user_id": 212843158},
        "timestamp": 1785182163735,
        "body": {
            "mid": "mid.000000001c23cb68019fa52613170d20", "seq": 116993698282540320,
            "text": "Тест aiogram-max. Нажми любую кнопку — ловлю message_callback.",
            "attachments": [{"payload": {"buttons": [
                [{"payload": "accept:1", "text": "✅ Принять", "type": "callback"},
                 {"payload": "edit:1", "text": "✏️ Доработать", "type": "callback"}],
                [{"url": "https://max.ru", "text": "Ссылка", "type": "link"}]]},
                "type": "inline_keyboard"}]},
        "sender": {"user_id": 277639678, "first_name": "Тестовый Бот", "username": "test_bot",
                   "is_bot": True, "last_activity_time": 1785182382912, "name": "Тестовый Бот"}},
    "timestamp": 1785182382767, "user_locale": "ru", "update_type": "message_callback"}
GO_USER = {"user_id": 123456789, "first_name": "John", "last_name": "Doe", "is_bot": False,
           "last_activity_time": 1775025580000, "name": "John Doe"}
# GO: Start pressed without a deep link.
BOT_STARTED = {"timestamp": 1775025604499, "chat_id": 182182182,
               "user": {**GO_USER, "avatar_url": "avatar.png",
                        "full_avatar_url": "avatar.full.png"},
               "user_locale": "ru", "user_id": 123456789, "update_type": "bot_started"}
# SCHEMA: Start through https://max.ru/<bot>?start=<payload>; this user has no first_name.
BOT_STARTED_WITH_PAYLOAD = {
    "update_type": "bot_started", "timestamp": 1573226679188, "chat_id": 1234567890,
    "user": {"user_id": 1234567890, "name": "Boris", "username": "borisd84"},
    "payload": "any data meaningful to bot"}
# GO: the bot added to (removed from) a group; `user` added (removed) it.
BOT_ADDED = {"timestamp": 1775025604499, "chat_id": -70801090403050,
             "user": {**GO_USER, "avatar_url": "avatar.png",
                      "full_avatar_url": "avatar.full.png"},
             "user_id": 123456789, "is_channel": False, "update_type": "bot_added"}
BOT_REMOVED = {**BOT_ADDED, "update_type": "bot_removed"}
# GO: the person stopped the bot.
BOT_STOPPED = {"chat_id": 182182182, "user": GO_USER, "timestamp": 1775025604499,
               "user_locale": "ru", "update_type": "bot_stopped"}
# GO: somebody joined a group (`user`, per SCHEMA: the one added).
USER_ADDED = {"timestamp": 1775025604499, "chat_id": -70801090403050,
              "user": {"user_id": 234567890, "first_name": "Jane", "last_name": "",
                       "is_bot": False, "last_activity_time": 1775025580000, "name": "Jane"},
              "inviter_id": 123456789, "user_id": 234567890, "is_channel": False,
              "update_type": "user_added"}
# GO: what the bot does not act on.
MESSAGE_EDITED = {
    "message": {"recipient": {"chat_id": 182182182, "chat_type": "dialog", "user_id": 229229229},
                "timestamp": 1775025603399,
                "body": {"mid": "mid.000000000adf429c019d47b1ce4600ff",
                         "seq": 116327994376978687, "text": "hi bot"},
                "sender": GO_USER},
    "timestamp": 1775025604499, "update_type": "message_edited"}
MESSAGE_REMOVED = {"message_id": "mid.000000000adf429c019d47b1ce4600ff", "chat_id": 182182182,
                   "user_id": 123456789, "timestamp": 1775025604499,
                   "update_type": "message_removed"}
DIALOG_MUTED = {"chat_id": 182182182, "user": GO_USER, "timestamp": 1775025604499,
                "user_locale": "ru", "update_type": "dialog_muted", "muted_until": 1775027479470}

TRANSLATED = [DIALOG_MESSAGE, GROUP_MESSAGE, CALLBACK, BOT_STARTED, BOT_STARTED_WITH_PAYLOAD,
              BOT_ADDED, BOT_REMOVED, BOT_STOPPED, USER_ADDED]


class Numbers:
    """What MessageIds.remember is told: the mid behind each (chat, seq)."""

    def __init__(self) -> None:
        self.given: dict[str, tuple[int, int]] = {}

    def __call__(self, chat: int, seq: int, mid: str) -> None:
        self.given[mid] = (chat, seq)


def translated(update: dict[str, Any], bot_id: int = AGM_BOT_ID,
                     numbers: Numbers | None = None) -> dict[str, Any]:
    """The Telegram-shaped update, which must be one aiogram accepts."""
    shaped = UpdateTranslator(numbers or Numbers(), bot_id).translate(
        copy.deepcopy(update))
    assert shaped is not None
    Update.model_validate(shaped)
    return shaped


# -- messages


async def test_a_dialog_message_is_a_private_message_from_its_sender() -> None:
    numbers = Numbers()
    message = (translated(DIALOG_MESSAGE, numbers=numbers))["message"]
    # recipient.user_id is the bot: the chat is the sender's, by their MAX address.
    assert message["chat"]["id"] == from_max(AGM_PERSON_ID) != from_max(AGM_BOT_ID)
    assert message["chat"]["type"] == "private"
    assert message["from"] == {"id": from_max(AGM_PERSON_ID), "is_bot": False,
                               "first_name": "Тестовый Юзер", "language_code": "ru"}
    assert message["text"] == "Тест" and "entities" not in message
    # Its number is MAX's seq, which orders a chat's messages as Telegram's ids do.
    assert message["message_id"] == 116993690454357274
    assert numbers.given["mid.000000001c23cb68019fa524407e751a"] == (
        from_max(AGM_PERSON_ID), 116993690454357274)
    assert message["date"] == 1785182044  # MAX's milliseconds, Telegram's seconds


@pytest.mark.parametrize(("text", "command"), [("/help", "/help"), ("/surveys 3", "/surveys"),
                                               ("/старт сейчас", "/старт")])
async def test_a_command_gets_its_bot_command_entity(text: str, command: str) -> None:
    update = copy.deepcopy(DIALOG_MESSAGE)
    update["message"]["body"]["text"] = text
    shaped = translated(update)
    assert shaped["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": len(command)}]
    parsed = Update.model_validate(shaped).message
    assert parsed.text[:parsed.entities[0].length] == command


async def test_the_language_is_the_locale_without_its_region() -> None:
    update = {**DIALOG_MESSAGE, "user_locale": "en-US"}
    assert (translated(update))["message"]["from"]["language_code"] == "en"
    update.pop("user_locale")
    assert "language_code" not in (translated(update))["message"]["from"]


async def test_a_group_message_is_in_a_negative_group_address() -> None:
    message = (translated(GROUP_MESSAGE))["message"]
    assert message["chat"]["id"] == from_max(GO_GROUP_ID) < -MAX_SHIFT
    assert message["chat"]["type"] == "group"
    assert message["from"]["id"] == from_max(GO_PERSON_ID)
    assert "language_code" not in message["from"]  # MAX gives no locale in groups
    assert message["text"] == "..."


async def test_a_channel_post_is_not_handled() -> None:
    update = copy.deepcopy(GROUP_MESSAGE)
    update["message"]["recipient"]["chat_type"] = "channel"
    assert UpdateTranslator(Numbers(), AGM_BOT_ID).translate(update) is None


async def test_a_message_created_without_a_message_is_not_handled() -> None:
    # AGM: MAX (rarely) sends message_created without `message`; it must be skipped.
    update = {"timestamp": 1785182044286, "user_locale": "ru", "update_type": "message_created"}
    assert UpdateTranslator(Numbers(), AGM_BOT_ID).translate(update) is None


@pytest.mark.parametrize("update", [MESSAGE_EDITED, MESSAGE_REMOVED, DIALOG_MUTED,
                                    {**BOT_ADDED, "is_channel": True}],
                         ids=["message_edited", "message_removed", "dialog_muted",
                              "bot_added_to_a_channel"])
async def test_what_the_bot_does_not_act_on_is_none(update: dict[str, Any]) -> None:
    assert UpdateTranslator(Numbers(), AGM_BOT_ID).translate(copy.deepcopy(update)) is None


# -- presses


async def test_a_press_is_a_callback_query_in_the_pressers_dialog() -> None:
    numbers = Numbers()
    query = (translated(CALLBACK, numbers=numbers))["callback_query"]
    assert query["id"] == "max:cb-live-1"
    assert query["data"] == "accept:1"
    assert query["from"]["id"] == from_max(AGM_PERSON_ID)
    assert query["from"]["language_code"] == "ru"
    message = query["message"]
    # The bot sent it, yet the chat is the dialog with the person who pressed.
    assert message["chat"]["id"] == from_max(AGM_PERSON_ID)
    assert message["chat"]["type"] == "private"
    assert message["from"]["id"] == from_max(AGM_BOT_ID) and message["from"]["is_bot"]
    assert message["message_id"] == 116993698282540320
    assert numbers.given["mid.000000001c23cb68019fa52613170d20"] == (
        from_max(AGM_PERSON_ID), 116993698282540320)


async def test_a_press_under_a_deleted_message_has_no_message() -> None:
    query = (translated({**CALLBACK, "message": None}))["callback_query"]
    assert "message" not in query
    assert query["id"] == "max:cb-live-1" and query["data"] == "accept:1"


# -- Start, membership


async def test_start_without_a_deep_link_is_the_start_command() -> None:
    message = (translated(BOT_STARTED))["message"]
    assert message["text"] == "/start"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["chat"]["id"] == message["from"]["id"] == from_max(GO_PERSON_ID)
    assert message["chat"]["type"] == "private"
    assert message["from"]["language_code"] == "ru"


async def test_start_with_a_deep_link_carries_its_payload() -> None:
    message = (translated(BOT_STARTED_WITH_PAYLOAD))["message"]
    assert message["text"] == "/start any data meaningful to bot"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"]["first_name"] == "Boris"
    assert message["from"]["username"] == "borisd84"


@pytest.mark.parametrize(("update", "before", "after"), [(BOT_ADDED, "left", "member"),
                                                         (BOT_REMOVED, "member", "left")],
                         ids=["bot_added", "bot_removed"])
async def test_the_bot_added_or_removed_is_its_group_membership(
        update: dict[str, Any], before: str, after: str) -> None:
    member = (translated(update))["my_chat_member"]
    assert member["chat"]["id"] == from_max(GO_GROUP_ID)
    assert member["chat"]["type"] == "group"
    assert member["from"]["id"] == from_max(GO_PERSON_ID)
    assert member["old_chat_member"]["status"] == before
    assert member["new_chat_member"]["status"] == after
    assert member["new_chat_member"]["user"]["id"] == from_max(AGM_BOT_ID)


async def test_the_bot_stopped_is_the_bot_kicked_from_the_dialog() -> None:
    shaped = translated(BOT_STOPPED)
    member = Update.model_validate(shaped).my_chat_member
    assert member.chat.id == from_max(GO_PERSON_ID) and member.chat.type == "private"
    assert member.old_chat_member.status == "member"
    assert member.new_chat_member.status == "kicked"


async def test_a_person_added_to_a_group_is_a_new_chat_member() -> None:
    message = (translated(USER_ADDED))["message"]
    assert message["chat"]["id"] == from_max(GO_GROUP_ID)
    assert [person["id"] for person in message["new_chat_members"]] == [from_max(234567890)]


# -- update ids


@pytest.mark.parametrize("update", TRANSLATED, ids=lambda update: update["update_type"])
async def test_the_same_event_twice_gets_the_same_update_id_past_telegrams(
        update: dict[str, Any]) -> None:
    # Not validated here: whether aiogram accepts each shape is tested above.
    first = UpdateTranslator(Numbers(), AGM_BOT_ID).translate(copy.deepcopy(update))
    # Another process (a restart, a second replica) with its own numbering.
    again = UpdateTranslator(Numbers(), AGM_BOT_ID).translate(copy.deepcopy(update))
    assert first is not None and again is not None
    assert first["update_id"] == again["update_id"]
    assert MAX_UPDATE_IDS <= first["update_id"] < 1 << 63


async def test_different_events_get_different_update_ids() -> None:
    other_message = copy.deepcopy(DIALOG_MESSAGE)
    other_message["message"]["body"]["mid"] = "mid.000000001c23cb68019fa524407e751b"
    other_press = copy.deepcopy(CALLBACK)
    other_press["callback"]["callback_id"] = "cb-live-2"
    started_later = {**BOT_STARTED, "timestamp": BOT_STARTED["timestamp"] + 1}
    events = [DIALOG_MESSAGE, other_message, GROUP_MESSAGE, CALLBACK, other_press,
              BOT_STARTED, started_later, BOT_ADDED, BOT_REMOVED, USER_ADDED]
    ids = [(translated(event))["update_id"] for event in events]
    assert len(set(ids)) == len(ids)


# -- addresses


max_ids = st.integers(1, LARGEST_MAX_ID) | st.integers(-LARGEST_MAX_ID, -1)
telegram_ids = st.integers(-(MAX_SHIFT - 1), MAX_SHIFT - 1)


@given(max_ids)
def test_a_max_id_round_trips_through_its_address(max_id: int) -> None:
    address = from_max(max_id)
    assert to_max(address) == messenger_id(address) == max_id
    assert messenger_of(address) is Messenger.MAX
    assert (address > 0) == (max_id > 0)  # a group stays negative
    assert -(1 << 63) <= address < 1 << 63  # fits a BIGINT column


@given(telegram_ids)
def test_a_telegram_id_is_telegrams(telegram_id: int) -> None:
    assert messenger_of(telegram_id) is Messenger.TELEGRAM
    assert messenger_id(telegram_id) == telegram_id
    with pytest.raises(ValueError):
        to_max(telegram_id)


@pytest.mark.parametrize("telegram_id", [42, 7_000_000_000, (1 << 52) - 1, -(1 << 52) + 1,
                                         -1001234567890, -1002147483647, -1009999999999])
def test_telegrams_ids_at_their_edges_are_telegrams(telegram_id: int) -> None:
    assert messenger_of(telegram_id) is Messenger.TELEGRAM


@pytest.mark.parametrize("max_id", [0, LARGEST_MAX_ID + 1, -LARGEST_MAX_ID - 1, 1 << 63])
def test_a_max_id_out_of_range_is_refused(max_id: int) -> None:
    with pytest.raises(ValueError):
        from_max(max_id)


def test_the_largest_max_ids_still_fit_64_bits() -> None:
    assert from_max(LARGEST_MAX_ID) == (1 << 63) - 1
    assert from_max(-LARGEST_MAX_ID) == -(1 << 63) + 1


async def test_a_second_press_of_the_same_keyboard_is_not_a_redelivery() -> None:
    """MAX calls callback_id the keyboard's: two presses a moment apart are two updates."""
    first = translated(CALLBACK)
    later = copy.deepcopy(CALLBACK)
    later["callback"]["timestamp"] += 1500
    assert (translated(later))["update_id"] != first["update_id"]
