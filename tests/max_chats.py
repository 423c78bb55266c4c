"""Chats in the MAX stand-in (tests/max_standin.py): dialogs and groups, who is in them and who
is admin, and the /chats endpoints (GET /chats/{id}, members/me, members, actions, pin)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.max_rules import MaxError, bad_request

if TYPE_CHECKING:
    from aiohttp import web

    from tests.max_standin import Recorded

# What MAX lists for a bot made admin with every right it can have in a group.
ADMIN_PERMISSIONS = ("read_all_messages", "add_remove_members", "add_admins",
                     "change_chat_info", "pin_message", "write", "can_call", "edit_link")
# A dialog's chat_id differs from the person's user_id, as in MAX.
DIALOG_OFFSET = 7_000_000_000
ACTIONS = frozenset({"typing_on", "sending_photo", "sending_video", "sending_audio",
                     "sending_file", "mark_seen"})


def dialog_id(user_id: int) -> int:
    return user_id + DIALOG_OFFSET


@dataclass
class Member:
    user: dict[str, Any]
    join_time: int
    is_owner: bool = False
    permissions: list[str] | None = None  # None: not an admin


@dataclass
class Chat:
    chat_id: int
    type: str  # "dialog" or "chat"
    title: str | None = None
    owner_id: int | None = None
    status: str = "active"  # active, removed, left or closed
    dialog_user: dict[str, Any] | None = None
    members: dict[int, Member] = field(default_factory=dict)
    bot_permissions: list[str] | None = None  # None: the bot is not an admin
    created: int = field(default_factory=lambda: int(time.time() * 1000))

    @property
    def bot_admin(self) -> bool:
        return self.bot_permissions is not None

    def add_member(self, user: dict[str, Any]) -> None:
        if user["user_id"] not in self.members:
            self.members[user["user_id"]] = Member(user, int(time.time() * 1000),
                                                   is_owner=user["user_id"] == self.owner_id)


class ChatsMixin:
    """The chat half of MaxStandIn; `chats`, `blocked`, `bot_user_id` and friends are its."""

    chats: dict[int, Chat]
    blocked: set[int]
    users: dict[int, dict[str, Any]]
    chat_messages: dict[int, list[str]]
    bot_user_id: int
    bot_name: str
    bot_username: str

    def make_admin(self, chat_id: int, user_id: int | None = None,
                   permissions: list[str] | None = None) -> None:
        """Make the bot (or the member `user_id`) an admin of the group `chat_id`."""
        chat = self.chats[chat_id]
        rights = list(permissions if permissions is not None else ADMIN_PERMISSIONS)
        if user_id is None:
            chat.bot_permissions = rights
        else:
            chat.add_member(self.users[user_id])
            chat.members[user_id].permissions = rights

    def chat_routes(self) -> list[tuple[str, str, Any]]:
        chat = r"/chats/(-?\d+)"
        return [("GET", chat, self._get_chat),
                ("GET", chat + "/members/me", self._get_membership),
                ("DELETE", chat + "/members/me", self._leave),
                ("GET", chat + "/members", self._get_members),
                ("POST", chat + "/actions", self._action),
                ("PUT", chat + "/pin", self._pin), ("DELETE", chat + "/pin", self._pin)]

    # -- chats as the stand-in keeps them ----------------------------------------------------

    def _dialog(self, person: dict[str, Any]) -> Chat:
        chat_id = dialog_id(person["user_id"])
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(chat_id, "dialog", dialog_user=person)
            chat.add_member(person)
        chat.dialog_user = person
        return chat

    def _group(self, chat_id: int, owner: dict[str, Any], title: str = "Группа") -> Chat:
        if chat_id >= 0:
            raise ValueError("MAX's group chat ids are negative")
        chat = self.chats[chat_id] = Chat(chat_id, "chat", title=title,
                                          owner_id=owner["user_id"])
        chat.add_member(owner)
        return chat

    def _chat_or_404(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise MaxError(404, "not.found", f"Chat {chat_id} not found")
        return chat

    def _check_open(self, chat: Chat) -> None:
        """403 where the bot cannot write: a person who stopped it, a group it left."""
        if chat.dialog_user is not None and chat.dialog_user["user_id"] in self.blocked:
            raise MaxError(403, "chat.denied", "chat.denied: the user has stopped the bot")
        if chat.status != "active":
            raise MaxError(403, "chat.denied", f"chat.denied: the bot is {chat.status}")

    def _target(self, query: dict[str, str]) -> Chat:
        """The chat of POST /messages: ?user_id= (their dialog) or ?chat_id=."""
        given = [name for name in ("user_id", "chat_id") if query.get(name)]
        if len(given) != 1:
            raise bad_request("Exactly one of user_id and chat_id is required")
        try:
            number = int(query[given[0]])
        except ValueError:
            raise bad_request(f"{given[0]} must be an integer") from None
        chat = self._chat_or_404(dialog_id(number) if given[0] == "user_id" else number)
        self._check_open(chat)
        return chat

    def _chat_object(self, chat: Chat) -> dict[str, Any]:
        messages = self.chat_messages.get(chat.chat_id, [])
        result: dict[str, Any] = {
            "chat_id": chat.chat_id, "type": chat.type, "status": chat.status,
            "title": chat.title, "icon": None, "last_event_time": int(time.time() * 1000),
            "participants_count": 2 if chat.type == "dialog" else len(chat.members) + 1,
            "is_public": False, "description": None}
        if chat.type == "dialog":
            result["dialog_with_user"] = chat.dialog_user
        else:
            result.update(owner_id=chat.owner_id, link=None, messages_count=len(messages))
        return result

    def _member_object(self, member: Member) -> dict[str, Any]:
        return {**member.user, "last_access_time": member.join_time,
                "is_owner": member.is_owner, "is_admin": member.permissions is not None,
                "join_time": member.join_time, "permissions": member.permissions}

    # -- the endpoints ---------------------------------------------------------------------

    async def _get_chat(self, recorded: Recorded, request: web.Request,
                        chat_id: str) -> dict[str, Any]:
        return self._chat_object(self._chat_or_404(int(chat_id)))

    async def _get_membership(self, recorded: Recorded, request: web.Request,
                              chat_id: str) -> dict[str, Any]:
        chat = self._chat_or_404(int(chat_id))
        if chat.status != "active":
            raise MaxError(403, "chat.denied", f"chat.denied: the bot is {chat.status}")
        bot = {"user_id": self.bot_user_id, "first_name": self.bot_name,
               "username": self.bot_username, "is_bot": True,
               "last_activity_time": int(time.time() * 1000)}
        return self._member_object(Member(bot, chat.created, permissions=chat.bot_permissions))

    async def _leave(self, recorded: Recorded, request: web.Request,
                     chat_id: str) -> dict[str, Any]:
        self._chat_or_404(int(chat_id)).status = "left"
        return {"success": True}

    async def _get_members(self, recorded: Recorded, request: web.Request,
                           chat_id: str) -> dict[str, Any]:
        chat = self._chat_or_404(int(chat_id))
        self._check_open(chat)
        if chat.type != "dialog" and not chat.bot_admin:
            # dev.max.ru: the bot must be an admin of the chat to list its members.
            raise MaxError(403, "chat.denied", "chat.denied: the bot is not an admin")
        wanted = [part for value in request.query.getall("user_ids", [])
                  for part in value.split(",") if part]
        try:
            ids = [int(part) for part in wanted]
        except ValueError:
            raise bad_request("user_ids must be integers") from None
        members = [chat.members[i] for i in ids if i in chat.members] if ids else \
            list(chat.members.values())
        return {"members": [self._member_object(m) for m in members], "marker": None}

    async def _action(self, recorded: Recorded, request: web.Request,
                      chat_id: str) -> dict[str, Any]:
        chat = self._chat_or_404(int(chat_id))
        self._check_open(chat)
        body = recorded.body
        if not isinstance(body, dict) or body.get("action") not in ACTIONS:
            raise bad_request(f"action must be one of {', '.join(sorted(ACTIONS))}")
        return {"success": True}

    async def _pin(self, recorded: Recorded, request: web.Request,
                   chat_id: str) -> dict[str, Any]:
        self._check_open(self._chat_or_404(int(chat_id)))
        return {"success": True}
