"""The people of the demo's messenger and what they do in it: write, press a button, open an
invitation link, make a group. Each action becomes the update Telegram would send the bot,
through the local Bot API server; what a person cannot do in Telegram (write in a chat they are
not in, press a button that is not there) is refused with a short reason."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.demo.telegram_api import LocalBotAPI
from bot.demo.telegram_shapes import TEXT_LIMIT, utf16_length

NAME_LIMIT = 64  # Telegram's limit on a first name
TITLE_LIMIT = 128  # and on a group's title
PAYLOAD_LIMIT = 64  # and on a /start link's payload


class Hint(StrEnum):
    """Whom a column stands for; the bot itself learns a person's role from the person."""

    CURATOR = "curator"
    MENTOR_TEACHER = "mentor_teacher"
    MENTEE_TEACHER = "mentee_teacher"
    PUPIL = "pupil"


class Refused(Exception):
    """An action the messenger would not allow; the message says why, in a few words."""


@dataclass
class Person:
    user: dict[str, Any]  # Telegram's User object, as updates carry it
    hint: Hint | None

    @property
    def id(self) -> int:
        return self.user["id"]


# The cast the page opens with: a curator (in CURATOR_IDS), two teachers and two pupils.
CURATOR_ID = 1001
CAST = (
    (CURATOR_ID, "Ольга", "Смирнова", Hint.CURATOR),
    (1002, "Иван", "Петров", Hint.MENTOR_TEACHER),
    (1003, "Анна", "Иванова", Hint.MENTEE_TEACHER),
    (1004, "Маша", "Кузнецова", Hint.PUPIL),
    (1005, "Коля", "Сидоров", Hint.PUPIL),
)


class People:
    def __init__(self, api: LocalBotAPI, language: str) -> None:
        self.api, self.language = api, language
        self.everyone: dict[int, Person] = {}
        self.groups: list[int] = []
        self._ids = itertools.count(CAST[-1][0] + 1)
        for user_id, first_name, last_name, hint in CAST:
            self._enter(user_id, first_name, last_name, hint)

    def renumber(self) -> None:
        """New people after those known (read back after a restart)."""
        self._ids = itertools.count(max(self.everyone, default=CAST[-1][0]) + 1)

    def _enter(self, user_id: int, first_name: str, last_name: str | None,
               hint: Hint | None) -> Person:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name,
                                "language_code": self.language}
        if last_name:
            user["last_name"] = last_name
        person = self.everyone[user_id] = Person(user, hint)
        self.api.users[user_id] = user
        self.api.chats.setdefault(user_id, {"id": user_id, "type": "private",
                                            "first_name": first_name,
                                            **({"last_name": last_name} if last_name else {})})
        return person

    def add(self, first_name: str, hint: Hint | None = None) -> Person:
        first_name = " ".join(first_name.split())
        if not first_name:
            raise Refused("a name is needed")
        if len(first_name) > NAME_LIMIT:
            raise Refused(f"a name is at most {NAME_LIMIT} characters")
        return self._enter(next(self._ids), first_name, None, hint)

    def person(self, person_id: object) -> Person:
        person = self.everyone.get(person_id) if isinstance(person_id, int) else None
        if person is None:
            raise Refused("no such person")
        return person

    def set_language(self, language: str) -> None:
        """The language the people's Telegram is in, as updates carry it from now on."""
        self.language = language
        for person in self.everyone.values():
            person.user["language_code"] = language

    # -- what a person does ----------------------------------------------------------------

    def chat_of(self, person: Person, chat_id: object) -> dict[str, Any]:
        """A chat `person` is in: their private chat with the bot or a group of theirs."""
        chat = self.api.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None or not (chat_id == person.id or (
                chat_id in self.groups and person.id in self.api.members_of(chat_id))):
            raise Refused("not a chat of this person")
        return chat

    def write(self, person_id: object, chat_id: object, text: object) -> None:
        person = self.person(person_id)
        chat = self.chat_of(person, chat_id)
        if not isinstance(text, str) or not text.strip():
            raise Refused("an empty message is not sent")
        if utf16_length(text) > TEXT_LIMIT:
            raise Refused(f"a message is at most {TEXT_LIMIT} characters")
        self.api.push_message(person.user, text, chat)

    def start(self, person_id: object, payload: object = None) -> None:
        """The Start button, or a t.me/<bot>?start=<payload> link opened by `person`."""
        person = self.person(person_id)
        if payload is not None and (not isinstance(payload, str) or
                                    not 1 <= len(payload) <= PAYLOAD_LIMIT):
            raise Refused("not an invitation link")
        text = f"/start {payload}" if payload else "/start"
        self.api.push_message(person.user, text, self.api.chats[person.id])

    def press(self, person_id: object, chat_id: object, message_id: object,
              data: object) -> str:
        """A press on an inline button the message shows; the press's id."""
        person = self.person(person_id)
        chat = self.chat_of(person, chat_id)
        shown = self.api.messages.get(chat["id"], {}).get(message_id) \
            if isinstance(message_id, int) else None
        if shown is None or shown.deleted or not isinstance(data, str) or \
                data not in {pressed for _, pressed in shown.buttons()}:
            raise Refused("no such button")
        update = self.api.push_callback_query(person.user, chat["id"], shown.message_id, data)
        return update["callback_query"]["id"]

    def new_group(self, creator_id: object, title: object, member_ids: object) -> dict[str, Any]:
        creator = self.person(creator_id)
        if not isinstance(title, str) or not title.strip():
            raise Refused("a group needs a title")
        if len(title) > TITLE_LIMIT:
            raise Refused(f"a title is at most {TITLE_LIMIT} characters")
        if not isinstance(member_ids, list):
            raise Refused("members are a list of people")
        members = [self.person(member).user for member in member_ids if member != creator.id]
        chat = self.api.add_group(" ".join(title.split()), creator.user, members)
        self.groups.append(chat["id"])
        return chat

    def join(self, chat_id: object, person_id: object) -> None:
        """The group's creator adds `person` to it."""
        if chat_id not in self.groups:
            raise Refused("no such group")
        members = self.api.members[chat_id]  # type: ignore[index]
        creator = next(user for user, status in members.items() if status == "creator")
        person = self.person(person_id)
        if person.id in self.api.members_of(chat_id):  # type: ignore[arg-type]
            raise Refused("already in the group")
        self.api.add_member(chat_id, person.user, self.person(creator).user)  # type: ignore[arg-type]
