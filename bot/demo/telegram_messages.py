"""The local Bot API server's messages (bot.demo.telegram_api): sending text, documents and
photos, editing and deleting them, and answering button presses, with Telegram's checks and
errors; a reply keyboard becomes the chat's until removed."""

from __future__ import annotations

import json
import mimetypes
import secrets
import time
from typing import Any

from bot.demo.telegram_shapes import (
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    NOT_MODIFIED,
    QUERY_INVALID,
    TEXT_LIMIT,
    BotAPIError,
    Recorded,
    Shown,
    Upload,
    format_text,
    image_size,
    utf16_length,
)


class Messages:
    """Mixed into LocalBotAPI, whose chats, messages, uploads and presses it keeps."""

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The reply_markup a Message shows: only an inline keyboard, checked as Telegram does."""
        markup = params.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise BotAPIError(400, "Bad Request: can't parse inline keyboard button: "
                                   "InlineKeyboardButton must be an Object")
        for row in rows:
            for button in row:
                if not button.get("text"):
                    raise BotAPIError(400, "Bad Request: BUTTON_TEXT_INVALID")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                    raise BotAPIError(400, "Bad Request: BUTTON_DATA_INVALID")
        rows = [row for row in rows if row]
        return {"inline_keyboard": rows} if rows else None

    def _keep_keyboard(self, chat_id: int, markup: Any) -> None:
        """A reply keyboard stays under the chat's input until another replaces or removes it."""
        if not isinstance(markup, dict):
            return
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(
                    isinstance(row, list) and all(
                        (button.get("text") if isinstance(button, dict) else button)
                        for button in row) for row in rows):
                raise BotAPIError(400, "Bad Request: keyboard button text must be non-empty")
            self.reply_keyboards[chat_id] = markup
        elif markup.get("remove_keyboard"):
            self.reply_keyboards.pop(chat_id, None)

    def _formatted(self, params: dict[str, Any], key: str) -> tuple[str, list[dict[str, Any]]]:
        raw = params.get(key)
        source = "" if raw is None else str(raw)
        plain, entities = format_text(source, params.get("parse_mode"),
                                      params.get("entities" if key == "text"
                                                 else "caption_entities"))
        if key == "text":
            if not plain.strip():
                raise BotAPIError(400, "Bad Request: message text is empty")
            if utf16_length(plain) > TEXT_LIMIT:
                raise BotAPIError(400, "Bad Request: message is too long")
        elif utf16_length(plain) > CAPTION_LIMIT:
            raise BotAPIError(400, "Bad Request: message caption is too long")
        return plain, entities

    def _send(self, recorded: Recorded, content: dict[str, Any], source: str) -> dict[str, Any]:
        params = recorded.params
        chat = self._chat(params)
        markup = self._markup(params)
        self._keep_keyboard(chat["id"], params.get("reply_markup"))
        message: dict[str, Any] = {"message_id": self._new_message_id(chat["id"]),
                                   "from": self.bot_user, "chat": chat,
                                   "date": int(self.now()), **content}
        reply = params.get("reply_parameters")
        replied_id = reply.get("message_id") if isinstance(reply, dict) else \
            params.get("reply_to_message_id")
        replied = self.messages.get(chat["id"], {}).get(int(replied_id)) if replied_id else None
        if replied is not None:
            message["reply_to_message"] = replied.message
        if markup is not None:
            message["reply_markup"] = markup
        self._keep(chat["id"], Shown(message, source, recorded.seq))
        return json.loads(json.dumps(message))

    async def _api_sendmessage(self, recorded: Recorded,
                               parts: dict[str, Upload]) -> dict[str, Any]:
        text, entities = self._formatted(recorded.params, "text")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._send(recorded, content, str(recorded.params.get("text")))

    def _upload(self, recorded: Recorded, parts: dict[str, Upload], key: str,
                prefix: str) -> Upload:
        value = recorded.params.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = parts.get(value.removeprefix("attach://"))
        elif key in parts:
            upload = parts[key]
        elif isinstance(value, str) and value in self.uploads:
            upload = self.uploads[value]  # sent again by file_id
        else:
            raise BotAPIError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if upload is None:
            raise BotAPIError(400, f"Bad Request: file {value} not found in the request")
        if not upload.data:
            raise BotAPIError(400, "Bad Request: file must be non-empty")
        if not upload.file_id:
            number = next(self._file_ids)
            upload.field = key
            upload.file_id = f"{prefix}{number:06d}{secrets.token_urlsafe(24)}"
            upload.file_unique_id = f"AgAD{number:06d}{secrets.token_urlsafe(4)}"
            self.uploads[upload.file_id] = upload
        recorded.files[key] = upload
        return upload

    def _caption(self, recorded: Recorded) -> dict[str, Any]:
        if recorded.params.get("caption") is None:
            return {}
        caption, entities = self._formatted(recorded.params, "caption")
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    async def _api_senddocument(self, recorded: Recorded,
                                parts: dict[str, Upload]) -> dict[str, Any]:
        self._chat(recorded.params)  # an unknown chat fails before the upload is looked at
        upload = self._upload(recorded, parts, "document", "BQACAgIAAxkDAAI")
        mime = mimetypes.guess_type(upload.filename)[0] or upload.content_type
        document = {"file_name": upload.filename, "mime_type": mime,
                    "file_id": upload.file_id, "file_unique_id": upload.file_unique_id,
                    "file_size": len(upload.data)}
        return self._send(recorded, {"document": document, **self._caption(recorded)},
                          str(recorded.params.get("caption") or ""))

    async def _api_sendphoto(self, recorded: Recorded,
                             parts: dict[str, Upload]) -> dict[str, Any]:
        self._chat(recorded.params)
        upload = self._upload(recorded, parts, "photo", "AgACAgIAAxkDAAI")
        size = image_size(upload.data)
        if size is None:
            raise BotAPIError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = size
        longest = max(width, height)
        sizes = []
        # Telegram keeps a thumbnail and versions up to 1280 pixels on the longer side.
        for index, limit in enumerate((90, 320, 800, 1280)):
            scale = min(1.0, limit / longest)
            sizes.append({"file_id": f"{upload.file_id}{index}",
                          "file_unique_id": f"{upload.file_unique_id}{index}",
                          "width": max(1, round(width * scale)),
                          "height": max(1, round(height * scale)),
                          "file_size": max(1, round(len(upload.data) * scale * scale))})
            if limit >= longest:
                break
        return self._send(recorded, {"photo": sizes, **self._caption(recorded)},
                          str(recorded.params.get("caption") or ""))

    def _editable(self, params: dict[str, Any]) -> Shown:
        chat = self._chat(params)
        try:
            message_id = int(params.get("message_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BotAPIError(400, "Bad Request: message identifier is not specified") from None
        shown = self.messages.get(chat["id"], {}).get(message_id)
        if shown is None or shown.deleted:
            raise BotAPIError(400, "Bad Request: message to edit not found")
        if not shown.from_bot:
            raise BotAPIError(400, "Bad Request: message can't be edited")
        return shown

    def _edited(self, recorded: Recorded, shown: Shown, changes: dict[str, Any],
                markup: dict[str, Any] | None, source: str | None) -> dict[str, Any]:
        before = {key: shown.message.get(key) for key in changes}
        if before == changes and shown.message.get("reply_markup") == markup:
            raise BotAPIError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value:
                shown.message[key] = value
            else:
                shown.message.pop(key, None)
        if markup is None:
            shown.message.pop("reply_markup", None)
        else:
            shown.message["reply_markup"] = markup
        shown.message["edit_date"] = int(self.now())
        shown.changed = recorded.seq
        if source is not None:
            shown.source = source
        return json.loads(json.dumps(shown.message))

    async def _api_editmessagetext(self, recorded: Recorded,
                                   parts: dict[str, Upload]) -> dict[str, Any] | bool:
        if "inline_message_id" in recorded.params:
            return True
        shown = self._editable(recorded.params)
        if "text" not in shown.message:
            raise BotAPIError(400, "Bad Request: there is no text in the message to edit")
        text, entities = self._formatted(recorded.params, "text")
        # Without reply_markup the inline keyboard goes, as on Telegram.
        return self._edited(recorded, shown, {"text": text, "entities": entities or None},
                            self._markup(recorded.params), str(recorded.params.get("text")))

    async def _api_editmessagecaption(self, recorded: Recorded,
                                      parts: dict[str, Upload]) -> dict[str, Any] | bool:
        if "inline_message_id" in recorded.params:
            return True
        shown = self._editable(recorded.params)
        if "text" in shown.message:
            raise BotAPIError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._caption(recorded)
        return self._edited(recorded, shown,
                            {"caption": caption.get("caption"),
                             "caption_entities": caption.get("caption_entities")},
                            self._markup(recorded.params),
                            str(recorded.params.get("caption") or ""))

    async def _api_editmessagereplymarkup(self, recorded: Recorded,
                                          parts: dict[str, Upload]) -> dict[str, Any] | bool:
        if "inline_message_id" in recorded.params:
            return True
        shown = self._editable(recorded.params)
        return self._edited(recorded, shown, {}, self._markup(recorded.params), None)

    async def _api_deletemessage(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        chat = self._chat(recorded.params)
        shown = self.messages.get(chat["id"], {}).get(int(recorded.params.get("message_id", 0)))
        if shown is None or shown.deleted:
            raise BotAPIError(400, "Bad Request: message to delete not found")
        shown.deleted, shown.changed = True, recorded.seq
        return True

    async def _api_deletemessages(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        chat = self._chat(recorded.params)
        for message_id in recorded.params.get("message_ids") or []:
            shown = self.messages.get(chat["id"], {}).get(int(message_id))
            if shown is not None:
                shown.deleted, shown.changed = True, recorded.seq
        return True

    async def _api_answercallbackquery(self, recorded: Recorded,
                                       parts: dict[str, Upload]) -> bool:
        query = self.queries.get(str(recorded.params.get("callback_query_id")))
        if query is None or query.answer is not None:
            raise BotAPIError(400, QUERY_INVALID)
        if self.callback_query_ttl is not None and \
                time.monotonic() - query.pushed_at > self.callback_query_ttl:
            raise BotAPIError(400, QUERY_INVALID)
        text = recorded.params.get("text")
        if text is not None and len(str(text)) > 200:
            raise BotAPIError(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answer = recorded
        return True
