"""The local Bot API server's chats (bot.demo.telegram_api): the command menu each chat shows,
and groups with their members, which getChatMember answers for."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.demo.telegram_shapes import BotAPIError, Recorded, Upload


class Chats:
    """Mixed into LocalBotAPI, whose chats, members and command menus it keeps."""

    # -- commands --------------------------------------------------------------------------

    @staticmethod
    def _command_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _api_setmycommands(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        commands = recorded.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BotAPIError(400, "Bad Request: commands must be an array of BotCommand")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        if "scope" in recorded.params and recorded.params["scope"].get("chat_id") is not None:
            self._chat(recorded.params["scope"])
        self.commands[self._command_key(recorded.params)] = commands
        return True

    async def _api_getmycommands(self, recorded: Recorded,
                                 parts: dict[str, Upload]) -> list[dict[str, Any]]:
        return self.commands.get(self._command_key(recorded.params), [])

    async def _api_deletemycommands(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        self.commands.pop(self._command_key(recorded.params), None)
        return True

    def commands_for(self, chat: dict[str, Any], language: str) -> list[dict[str, Any]]:
        """The command menu a chat shows, as Telegram picks it: the narrowest scope set, in the
        person's language before the one for all languages."""
        kind = "all_private_chats" if chat.get("type") == "private" else "all_group_chats"
        for scope in ({"type": "chat", "chat_id": chat["id"]}, {"type": kind},
                      {"type": "default"}):
            for language_code in (language, ""):
                found = self.commands.get((json.dumps(scope, sort_keys=True), language_code))
                if found is not None:
                    return found
        return []

    # -- groups ----------------------------------------------------------------------------

    def add_group(self, title: str, creator: dict[str, Any],
                  members: list[dict[str, Any]]) -> dict[str, Any]:
        """A group `creator` made with `members`, adding the bot: the bot learns it from
        my_chat_member, as on Telegram."""
        chat = {"id": -next(self._group_ids), "type": "group", "title": title,
                "all_members_are_administrators": True}
        self.chats[chat["id"]] = chat
        self.members[chat["id"]] = {person["id"]: "member" for person in members}
        self.members[chat["id"]][creator["id"]] = "creator"
        bot = self._bot()
        self.members[chat["id"]][bot["id"]] = "member"
        self.push_update({"my_chat_member": {
            "chat": chat, "from": creator, "date": int(self.now()),
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": {"status": "member", "user": bot}}})
        return chat

    def add_member(self, chat_id: int, person: dict[str, Any], by: dict[str, Any]) -> None:
        """`by` adds `person` to a group: Telegram's service message says so."""
        self.users[person["id"]] = person
        self.members.setdefault(chat_id, {})[person["id"]] = "member"
        self.push_update({"message": {
            "message_id": self._new_message_id(chat_id), "from": by, "chat": self.chats[chat_id],
            "date": int(self.now()), "new_chat_members": [person]}})

    def members_of(self, chat_id: int) -> list[int]:
        """Who is in a group now (the bot too)."""
        return [user for user, status in self.members.get(chat_id, {}).items()
                if status in ("creator", "member")]

    async def _api_getchatmember(self, recorded: Recorded,
                                 parts: dict[str, Upload]) -> dict[str, Any]:
        chat = self._chat(recorded.params)
        try:
            user_id = int(recorded.params.get("user_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BotAPIError(400, "Bad Request: user_id is not specified") from None
        user = self.bot_user if user_id == self.bot_user.get("id") else self.users.get(user_id)
        if user is None:
            raise BotAPIError(400, "Bad Request: PARTICIPANT_ID_INVALID")
        if chat["type"] == "private":
            status = "member" if user_id in (chat["id"], self.bot_user.get("id")) else "left"
        else:
            status = self.members.get(chat["id"], {}).get(user_id, "left")
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        return member
