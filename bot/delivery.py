"""The one path every bot-initiated message takes to Telegram.

It keeps to Telegram's limits (about 30 messages a second overall, one a second per chat,
20 a minute per group), waits out 429 `retry_after`, retries network errors and 5xx with
backoff, and reports a 403 (the person blocked the bot) instead of retrying it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup

log = logging.getLogger(__name__)


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
        self.next_in_chat: dict[int, float] = {}
        self.group_sends: dict[int, deque[float]] = {}
        self.last_flood: tuple[float, int] | None = None

    def flood(self, chat_id: int, seconds: float) -> None:
        """Telegram answered 429: that chat waits; a second chat refused within a second means
        the bot as a whole is over the limit, and everything waits."""
        now = self.monotonic()
        self.next_in_chat[chat_id] = max(self.next_in_chat.get(chat_id, 0.0), now + seconds)
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
        # A sliding window of the last second's sends, so a late wake-up is not added to the
        # next gap the way a fixed interval would add it.
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        wait = max(self.paused_until - now, self.next_in_chat.get(chat_id, 0.0) - now)
        if len(self.recent) >= self.limits.per_second:
            wait = max(wait, self.recent[0] + 1.0 - now)
        if is_group:
            window = self.group_sends.setdefault(chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.limits.group_per_minute:
                wait = max(wait, window[0] + 60.0 - now)
        return max(wait, 0.0)

    async def acquire(self, chat_id: int, is_group: bool = False) -> None:
        while True:
            now = self.monotonic()
            wait = self._wait(chat_id, is_group, now)
            if wait <= 0:
                break
            await self.sleep(wait)
        # Reserved without an await in between, so concurrent senders cannot take the same slot.
        self.recent.append(now)
        self.next_in_chat[chat_id] = now + self.limits.per_chat_interval
        if is_group:
            self.group_sends[chat_id].append(now)
        if len(self.next_in_chat) > 10_000:
            self.next_in_chat = {c: t for c, t in self.next_in_chat.items() if t > now}


class Delivery:
    def __init__(self, bot: Bot, limits: Limits | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.bot = bot
        self.limits = limits or Limits()
        self.sleep = sleep
        self.limiter = RateLimiter(self.limits, sleep, monotonic)

    async def send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
                   *, is_group: bool = False) -> tuple[Outcome, str | None]:
        backoff = self.limits.first_backoff
        error: str | None = None
        attempt = floods = 0
        while attempt < self.limits.attempts and floods < self.limits.max_floods:
            if self.limiter.chat_wait(chat_id, is_group) > self.limits.max_wait:
                return Outcome.DEFERRED, f"{self.limiter.chat_wait(chat_id, is_group):.0f}"
            await self.limiter.acquire(chat_id, is_group)
            try:
                await self.bot.send_message(chat_id, text, reply_markup=markup)
                return Outcome.SENT, None
            except TelegramRetryAfter as flood:
                # Not a failed attempt: Telegram said exactly when to come back.
                self.limiter.flood(chat_id, flood.retry_after)
                error = f"429 retry after {flood.retry_after}"
                floods += 1
                continue
            except TelegramForbiddenError as refused:
                return Outcome.BLOCKED, refused.message
            except TelegramBadRequest as wrong:
                return Outcome.REJECTED, wrong.message
            except (TelegramNetworkError, TelegramServerError) as trouble:
                error = f"{type(trouble).__name__}: {trouble.message}"
                log.warning("sending to %s failed (%s), retrying in %.1f s", chat_id, error,
                            backoff)
            attempt += 1
            if attempt < self.limits.attempts:
                await self.sleep(backoff)
                backoff *= 2
        return Outcome.FAILED, error
