"""The one path every message takes to its messenger (Telegram or MAX: bot.channels).

Two kinds of sending share one limiter:
- bulk (the outbox: reminders, broadcasts, notices to other people) keeps to Telegram's limits
  for notifications: about 30 messages a second overall, one a second per chat, 20 a minute per
  group. It waits out 429 `retry_after`, retries network errors and 5xx with backoff, and
  reports a 403 (the person blocked the bot) instead of retrying it;
- a reply to a person's own action goes out at once. Telegram allows a chat short bursts; a
  reply waits only when Telegram has said so with a 429 for that chat (or the whole bot). It
  still counts, so bulk sending leaves room for it. No handler sleeps for a slot, holding the
  person's lock and a database connection meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.html import plain, shorten, split, visible_length
from bot.presses import NotesAnswers
from domain.messengers import Messenger, messenger_of

log = logging.getLogger(__name__)


BUCKET = 2
# Aim just under the limit: Telegram counts arrivals, which jitter around our send times.
RATE_SHARE = 0.97

# Set while the outbox sends: its messages are bulk; anything else is a reply.
bulk_sending: ContextVar[bool] = ContextVar("bulk_sending", default=False)


class Outcome(StrEnum):
    SENT = "sent"
    DEFERRED = "deferred"    # this chat is rate-limited for a while: try again later
    BLOCKED = "blocked"      # 403: stop writing to this person
    REJECTED = "rejected"    # 400: the message itself is wrong; retrying will not help
    FAILED = "failed"        # network or server trouble outlasted the retries


@dataclass(frozen=True)
class Limits:
    per_second: int = 30
    # A little over a second: the gap Telegram sees is the gap between arrivals, not sends.
    per_chat_interval: float = 1.05
    group_per_minute: int = 20
    # A chat that cannot be written to for longer than this is deferred, not waited for, so
    # one busy group does not hold up everybody else.
    max_wait: float = 5.0
    attempts: int = 4
    first_backoff: float = 1.0
    # Telegram may answer 429 again after a pause; past this many in a row the message fails.
    max_floods: int = 10


class RateLimiter:
    """Spaces sends out; `acquire` returns when one more message may go to `chat_id`."""

    def __init__(self, limits: Limits, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits, self.sleep, self.monotonic = limits, sleep, monotonic
        self.paused_until = 0.0
        self.recent: deque[float] = deque()
        # A small token bucket spaces sends evenly and lets a late wake-up catch up a little.
        self.tokens = float(BUCKET)
        self.filled_at = monotonic()
        self.next_in_chat: dict[int, float] = {}
        self.flooded_until: dict[int, float] = {}
        self.group_sends: dict[int, deque[float]] = {}
        self.last_flood: tuple[float, int] | None = None

    def flood(self, chat_id: int, seconds: float) -> None:
        """Telegram answered 429: that chat waits; a second chat refused within a second means
        the bot as a whole is over the limit, and everything waits."""
        now = self.monotonic()
        self.next_in_chat[chat_id] = max(self.next_in_chat.get(chat_id, 0.0), now + seconds)
        self.flooded_until[chat_id] = max(self.flooded_until.get(chat_id, 0.0), now + seconds)
        if self.last_flood and self.last_flood[1] != chat_id and now - self.last_flood[0] < 1.0:
            self.paused_until = max(self.paused_until, now + seconds)
        self.last_flood = (now, chat_id)

    def chat_wait(self, chat_id: int, is_group: bool) -> float:
        """How long this chat alone must wait before its next message."""
        now = self.monotonic()
        wait = self.next_in_chat.get(chat_id, 0.0) - now
        if is_group:
            window = self.group_sends.get(chat_id) or ()
            recent = [t for t in window if t > now - 60.0]
            if len(recent) >= self.limits.group_per_minute:
                wait = max(wait, recent[0] + 60.0 - now)
        return max(wait, 0.0)

    def _wait(self, chat_id: int, is_group: bool, now: float) -> float:
        rate = self.limits.per_second * RATE_SHARE
        self.tokens = min(float(BUCKET), self.tokens + (now - self.filled_at) * rate)
        self.filled_at = now
        wait = max(self.paused_until - now, self.next_in_chat.get(chat_id, 0.0) - now,
                   (1.0 - self.tokens) / rate)
        # And never more than the limit within any second, whatever the bucket allows.
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if len(self.recent) >= self.limits.per_second - 1:
            wait = max(wait, self.recent[0] + 1.0 - now)
        if is_group:
            window = self.group_sends.setdefault(chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.limits.group_per_minute:
                wait = max(wait, window[0] + 60.0 - now)
        return max(wait, 0.0)

    def reply_wait(self, chat_id: int) -> float:
        """How long a reply to this chat must wait: only what Telegram asked for with a 429."""
        now = self.monotonic()
        return max(self.paused_until - now, self.flooded_until.get(chat_id, 0.0) - now, 0.0)

    def note_reply(self, chat_id: int, is_group: bool = False) -> None:
        """A reply went out without waiting: bulk sending makes room for it (overall, in its
        chat and in its group's minute)."""
        now = self.monotonic()
        self.tokens = max(self.tokens - 1.0, -float(BUCKET))
        self.recent.append(now)
        self.next_in_chat[chat_id] = max(self.next_in_chat.get(chat_id, 0.0),
                                         now + self.limits.per_chat_interval)
        if is_group:
            self.group_sends.setdefault(chat_id, deque()).append(now)
        if len(self.flooded_until) > 1_000:
            self.flooded_until = {c: t for c, t in self.flooded_until.items() if t > now}

    async def acquire(self, chat_id: int, is_group: bool = False) -> None:
        while True:
            now = self.monotonic()
            wait = self._wait(chat_id, is_group, now)
            if wait <= 1e-6:  # rounding: a microsecond is no reason to sleep
                break
            await self.sleep(wait)
        # Reserved without an await in between, so concurrent senders cannot take the same slot.
        self.tokens -= 1.0
        self.recent.append(now)
        self.next_in_chat[chat_id] = now + self.limits.per_chat_interval
        if is_group:
            self.group_sends[chat_id].append(now)
        if len(self.next_in_chat) > 10_000:
            self.next_in_chat = {c: t for c, t in self.next_in_chat.items() if t > now}


class SharedLimits(BaseRequestMiddleware):
    """Every message the bot sends goes through its messenger's limiter: bulk waits for its
    slot, a reply goes at once and is counted, so both together keep to the messenger's
    limits."""

    def __init__(self, limiters: dict[Messenger, RateLimiter],
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limiters, self.sleep = limiters, sleep

    async def __call__(self, make_request, bot: Bot, method: TelegramMethod[Any]) -> Any:
        chat_id = getattr(method, "chat_id", None)
        if not isinstance(chat_id, int):
            return await make_request(bot, method)
        limiter = self.limiters[messenger_of(chat_id)]
        if type(method).__name__.startswith("Send"):
            if bulk_sending.get():
                await limiter.acquire(chat_id, is_group=chat_id < 0)
            else:
                await self._reply_slot(limiter, chat_id)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as flood:
            limiter.flood(chat_id, flood.retry_after)
            if bulk_sending.get() or flood.retry_after > limiter.limits.max_wait:
                raise  # the outbox tries again later; a long ban is the person's «try again»
            await self._reply_slot(limiter, chat_id)  # waits out what flood() just recorded
            return await make_request(bot, method)

    async def _reply_slot(self, limiter: RateLimiter, chat_id: int) -> None:
        """A reply waits only what the messenger asked for with a 429, then is counted."""
        wait = limiter.reply_wait(chat_id)
        if wait > 0:
            # The messenger said how long: asking sooner only lengthens the ban.
            log.info("a reply waits %.1f s, as the messenger asked (429)", wait)
            await self.sleep(wait)
        limiter.note_reply(chat_id, is_group=chat_id < 0)


@dataclass(frozen=True)
class TelegramLimits:
    """What Telegram takes from a bot (Bot API, sendMessage, answerCallbackQuery, the inline
    keyboard), in characters after the markup is parsed."""

    text: int = 4096
    caption: int = 1024
    alert: int = 200
    buttons: int = 100


# Each messenger's limits, in one place. MAX (dev.max.ru, 2026): 30 requests a second for the
# whole bot, at most 2 messages, edits or button answers a second in one chat; a text of 4000
# characters (a caption is the message's text); 210 buttons, 30 rows of at most 7. Its groups
# have no documented minute limit: Telegram's is kept. MAX may count its 4000 with the markup,
# which these limits do not (they count what a person sees): 3000 leaves room for the tags of
# the fullest text the bot sends.
SENDING_LIMITS: dict[Messenger, Limits] = {
    Messenger.TELEGRAM: Limits(),
    Messenger.MAX: Limits(per_second=30, per_chat_interval=0.55),
}
MESSAGE_LIMITS: dict[Messenger, TelegramLimits] = {
    Messenger.TELEGRAM: TelegramLimits(),
    Messenger.MAX: TelegramLimits(text=3000, caption=3000, alert=200, buttons=210),
}


class TelegramRules(BaseRequestMiddleware):
    """Every request keeps Telegram's rules, whatever view made it, so no text a person typed
    can make Telegram refuse a message:

    * a text over the limit goes as several messages, cut at line breaks, the buttons under the
      last; an edit or a caption over the limit is shortened with an ellipsis (a view that edits
      pages its content, so this is a bug caught loudly in the log);
    * button labels and callback alerts, which Telegram shows as plain text, are rendered HTML
      turned into plain text; an alert is cut to its limit, a keyboard to its number of buttons.
    """

    def __init__(self, limits: TelegramLimits | None = None) -> None:
        self.limits = limits or MESSAGE_LIMITS[Messenger.TELEGRAM]

    async def __call__(self, make_request, bot: Bot, method: TelegramMethod[Any]) -> Any:
        limits = self.limits
        chat_id = getattr(method, "chat_id", None)
        if isinstance(chat_id, int) and messenger_of(chat_id) is not Messenger.TELEGRAM:
            limits = MESSAGE_LIMITS[messenger_of(chat_id)]
        if isinstance(method, AnswerCallbackQuery) and method.text:
            text = plain(method.text)
            if len(text) > limits.alert:
                text = text[:limits.alert - 1] + "…"
            method = method.model_copy(update={"text": text})
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup) and self._to_mend(markup, limits):
            method = method.model_copy(update={"reply_markup": self._keyboard(markup, limits)})
        if isinstance(method, SendMessage) and _over(method.text, limits.text):
            *first, last = split(method.text, limits.text)
            log.info("a text of %d characters went as %d messages",
                     visible_length(method.text), len(first) + 1)
            for part in first:
                await make_request(bot, method.model_copy(
                    update={"text": part, "reply_markup": None}))
            method = method.model_copy(update={"text": last})
        elif isinstance(method, EditMessageText) and _over(method.text, limits.text):
            log.warning("an edit of %d characters was shortened to Telegram's limit",
                        visible_length(method.text))
            method = method.model_copy(update={"text": shorten(method.text, limits.text)})
        caption = getattr(method, "caption", None)
        if isinstance(method, SendPhoto | SendDocument | EditMessageCaption) and caption and \
                _over(caption, limits.caption):
            method = method.model_copy(update={"caption": shorten(caption, limits.caption)})
        return await make_request(bot, method)

    @staticmethod
    def _to_mend(markup: InlineKeyboardMarkup, limits: TelegramLimits) -> bool:
        """Whether a label holds markup or the keyboard is over the limit (most hold neither)."""
        count = 0
        for row in markup.inline_keyboard:
            for button in row:
                count += 1
                if "<" in button.text or "&" in button.text:
                    return True
        return count > limits.buttons

    @staticmethod
    def _keyboard(markup: InlineKeyboardMarkup, limits: TelegramLimits) -> InlineKeyboardMarkup:
        rows, count = [], 0
        for row in markup.inline_keyboard:
            kept = []
            for button in row:
                if count == limits.buttons:
                    log.warning("a keyboard was cut to the messenger's limit of %d buttons",
                                limits.buttons)
                    break
                kept.append(button.model_copy(update={"text": plain(button.text)})
                            if isinstance(button, InlineKeyboardButton) else button)
                count += 1
            if kept:
                rows.append(kept)
        return InlineKeyboardMarkup(inline_keyboard=rows)


def _over(text: str, limit: int) -> bool:
    # A character is at most two UTF-16 code units and markup only adds: short texts need no
    # parsing.
    return len(text) * 2 > limit and visible_length(text) > limit


class LateCallbackAnswers(BaseRequestMiddleware):
    """Answering a button press can come too late: Telegram refuses after some seconds, or when
    a process killed after answering left the redelivered press to another. The press itself is
    still handled; only the little clock on the button is gone."""

    async def __call__(self, make_request, bot: Bot, method: TelegramMethod[Any]) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as refusal:
            if not isinstance(method, AnswerCallbackQuery):
                raise
            log.info("callback answer refused, the press goes on: %s", refusal.message)
            return True


class ResponseModels(BaseRequestMiddleware):
    """aiogram reads every answer of the Bot API as `Response[T]`, a pydantic generic model
    that pydantic keeps only by a weak reference: once the answer is read, nothing holds it,
    and the next request of the kind builds it again, some 4 ms of CPU (6% of the bot's time
    under a crowd, bench.e2e). One strong reference per kind of request builds each once."""

    def __init__(self) -> None:
        self.kept: dict[type, type] = {}

    async def __call__(self, make_request, bot: Bot, method: TelegramMethod[Any]) -> Any:
        kind = type(method)
        if kind not in self.kept:
            self.kept[kind] = Response[kind.__returning__]
        return await make_request(bot, method)


class Delivery:
    def __init__(self, bot: Bot, limits: Limits | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.bot = bot
        self.limits = limits or SENDING_LIMITS[Messenger.TELEGRAM]
        self.sleep = sleep
        self.limiters = {
            Messenger.TELEGRAM: RateLimiter(self.limits, sleep, monotonic),
            Messenger.MAX: RateLimiter(SENDING_LIMITS[Messenger.MAX], sleep, monotonic)}
        self.limiter = self.limiters[Messenger.TELEGRAM]
        # Outermost: the parts of a long text each take their own slot.
        bot.session.middleware(TelegramRules())
        bot.session.middleware(SharedLimits(self.limiters, sleep))
        bot.session.middleware(LateCallbackAnswers())
        bot.session.middleware(NotesAnswers())
        bot.session.middleware(ResponseModels())

    async def send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
                   *, is_group: bool = False) -> tuple[Outcome, str | None]:
        backoff = self.limits.first_backoff
        error: str | None = None
        attempt = floods = 0
        limiter = self.limiters[messenger_of(chat_id)]
        while attempt < self.limits.attempts and floods < self.limits.max_floods:
            if limiter.chat_wait(chat_id, is_group) > self.limits.max_wait:
                return Outcome.DEFERRED, f"{limiter.chat_wait(chat_id, is_group):.0f}"
            token = bulk_sending.set(True)
            try:
                # The session's SharedLimits takes the slot for this chat.
                await self.bot.send_message(chat_id, text, reply_markup=markup)
                return Outcome.SENT, None
            except TelegramRetryAfter as flood:
                # Not a failed attempt: Telegram said exactly when to come back.
                error = f"429 retry after {flood.retry_after}"
                floods += 1
                continue
            except TelegramForbiddenError as refused:
                return Outcome.BLOCKED, refused.message
            except TelegramBadRequest as wrong:
                return Outcome.REJECTED, wrong.message
            except (TelegramNetworkError, TelegramServerError) as trouble:
                error = f"{type(trouble).__name__}: {trouble.message}"
                log.warning("sending failed (%s), retrying in %.1f s", error,
                            backoff)
            finally:
                bulk_sending.reset(token)
            attempt += 1
            if attempt < self.limits.attempts:
                await self.sleep(backoff)
                backoff *= 2
        return Outcome.FAILED, error
