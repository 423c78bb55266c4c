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
    BLOCKED = "blocked"      # 403: stop writing to this person
    REJECTED = "rejected"    # 400: the message itself is wrong; retrying will not help
    FAILED = "failed"        # network or server trouble outlasted the retries


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0
    per_chat_interval: float = 1.0
    group_per_minute: int = 20
    attempts: int = 4
    first_backoff: float = 1.0
    # Telegram may answer 429 again after a pause; past this many in a row the message fails.
    max_floods: int = 10


class RateLimiter:
    """Spaces sends out; `acquire` returns when one more message may go to `chat_id`."""

    def __init__(self, limits: Limits, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.limits, self.sleep, self.monotonic = limits, sleep, monotonic
        self.next_any = 0.0
        self.next_in_chat: dict[int, float] = {}
        self.group_sends: dict[int, deque[float]] = {}

    def pause(self, seconds: float) -> None:
        """Telegram asked for a pause (429): nothing goes out until it is over."""
        self.next_any = max(self.next_any, self.monotonic() + seconds)

    def _wait(self, chat_id: int, is_group: bool, now: float) -> float:
        wait = max(self.next_any - now, self.next_in_chat.get(chat_id, 0.0) - now)
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
        self.next_any = now + 1.0 / self.limits.per_second
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
            await self.limiter.acquire(chat_id, is_group)
            try:
                await self.bot.send_message(chat_id, text, reply_markup=markup)
                return Outcome.SENT, None
            except TelegramRetryAfter as flood:
                # Not a failed attempt: Telegram said exactly when to come back.
                self.limiter.pause(flood.retry_after)
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
