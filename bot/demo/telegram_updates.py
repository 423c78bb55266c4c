"""The local Bot API server's delivery of updates: getUpdates' long polling with Telegram's
confirmation by offset and 409 Conflict, and webhooks (setWebhook, deleteWebhook,
getWebhookInfo) posted to until they answer 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import Any

import aiohttp

from bot.demo.telegram_shapes import BotAPIError, Recorded, Upload, Webhook

# What getUpdates hands out when allowed_updates was never given (Telegram's default).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Updates:
    """Mixed into LocalBotAPI, whose state it reads (pending, webhook, _poll_generation)."""

    def _allowed(self, update: dict[str, Any], allowed: set[str] | None) -> bool:
        kind = next(key for key in update if key != "update_id")
        return kind in allowed if allowed else kind not in NOT_BY_DEFAULT

    def _confirm(self, offset: int) -> None:
        self.pending = [update for update in self.pending if update["update_id"] >= offset]

    async def _api_getupdates(self, recorded: Recorded,
                              parts: dict[str, Upload]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise BotAPIError(409, "Conflict: can't use getUpdates method while webhook is "
                                   "active; use deleteWebhook to delete the webhook first")
        params = recorded.params
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()  # an older poll learns it was superseded
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self.allowed_updates = set(allowed) if allowed else None
        offset = int(params.get("offset") or 0)
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset:
            self._confirm(offset)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)

        def ready() -> bool:
            return generation != self._poll_generation or any(
                self._allowed(u, self.allowed_updates) for u in self.pending)

        if not ready():
            with contextlib.suppress(TimeoutError):
                await self.wait_until(ready, wait)
        if generation != self._poll_generation:
            raise BotAPIError(409, "Conflict: terminated by other getUpdates request; make sure "
                                   "that only one bot instance is running")
        batch = [u for u in self.pending if self._allowed(u, self.allowed_updates)][:limit]
        for update in batch:
            if self.record:
                self.deliveries[update["update_id"]] = self.deliveries.get(update["update_id"],
                                                                           0) + 1
        return batch

    async def _api_setwebhook(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        params = recorded.params
        url = str(params.get("url") or "")
        if not url:
            await self._set_webhook(None)
            return True
        if not url.startswith(("http://", "https://")):
            raise BotAPIError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for "
                                   "webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise BotAPIError(400, "Bad Request: secret token contains unallowed characters")
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.pending.clear()
        allowed = params.get("allowed_updates")
        await self._set_webhook(Webhook(url, secret, int(params.get("max_connections") or 40),
                                        allowed if isinstance(allowed, list) else None))
        return True

    async def _api_deletewebhook(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        if str(recorded.params.get("drop_pending_updates", "")).lower() == "true":
            self.pending.clear()
        await self._set_webhook(None)
        return True

    async def _api_getwebhookinfo(self, recorded: Recorded,
                                  parts: dict[str, Upload]) -> dict[str, Any]:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(self.pending)}
        hook = self.webhook
        if hook is not None:
            info.update(url=hook.url, max_connections=hook.max_connections,
                        ip_address="127.0.0.1")
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info.update(last_error_date=hook.last_error_date,
                            last_error_message=hook.last_error_message)
        return info

    async def _set_webhook(self, hook: Webhook | None) -> None:
        old, self.webhook = self.webhook, hook
        if old is not None and old.task is not None:
            old.task.cancel()  # not awaited: this may run inside one of its deliveries
        if hook is not None:
            self._poll_generation += 1  # a running getUpdates ends with 409
            hook.task = asyncio.get_running_loop().create_task(self._webhook_loop(hook))
        await self._notify()

    async def _webhook_loop(self, hook: Webhook) -> None:
        slots = asyncio.Semaphore(hook.max_connections)
        allowed = set(hook.allowed_updates) if hook.allowed_updates else None
        tasks: dict[int, asyncio.Task] = {}
        async with aiohttp.ClientSession() as http:
            try:
                while self.webhook is hook:
                    for update in list(self.pending):
                        if update["update_id"] not in tasks and self._allowed(update, allowed):
                            tasks[update["update_id"]] = asyncio.create_task(
                                self._post_update(http, hook, slots, update))
                    for update_id in [u for u, task in tasks.items() if task.done()]:
                        del tasks[update_id]
                    waiting = {u["update_id"] for u in self.pending}

                    def news(waiting: set[int] = waiting) -> bool:
                        return {u["update_id"] for u in self.pending} != waiting

                    with contextlib.suppress(TimeoutError):
                        await self.wait_until(news, 0.5)
            finally:
                for task in tasks.values():
                    task.cancel()
                await asyncio.gather(*tasks.values(), return_exceptions=True)

    async def _post_update(self, http: aiohttp.ClientSession, hook: Webhook,
                           slots: asyncio.Semaphore, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} \
            if hook.secret_token else {}
        delay = 0.5
        async with slots:
            while self.webhook is hook and update in self.pending:
                update_id = update["update_id"]
                if self.record:
                    self.deliveries[update_id] = self.deliveries.get(update_id, 0) + 1
                try:
                    async with http.post(hook.url, json=update, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=30)) as response:
                        body = await response.read()
                        if 200 <= response.status < 300:
                            self.pending = [u for u in self.pending if u is not update]
                            await self._notify()
                            await self._reply_method(body)
                            return
                        problem = f"Wrong response from the webhook: {response.status} " \
                                  f"{response.reason}"
                except (aiohttp.ClientError, TimeoutError) as error:
                    problem = f"Connection failed: {type(error).__name__}"
                hook.last_error_date, hook.last_error_message = int(time.time()), problem
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)

    async def _reply_method(self, body: bytes) -> None:
        """A webhook may answer with one method call; Telegram executes it, unanswered."""
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            params = {k: v if isinstance(v, str) else json.dumps(v)
                      for k, v in payload.items() if k != "method"}
            await self.call(payload["method"], params, via_webhook=True)
