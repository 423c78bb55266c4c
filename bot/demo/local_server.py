"""What the local messenger servers share (Telegram's here, MAX's in the tests): serving on a
free local port, ending long polls when stopping, and waiting for what a server was asked or
shows. A server keeps `requests`, and `_news` (an asyncio.Condition) is notified after every
request and update."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web


class LocalServer:
    requests: list[Any]
    _news: asyncio.Condition | None
    _runner: web.AppRunner | None
    _poll_generation: int
    base_url: str
    # Moves on only with what people see (a message, a keyboard, a person), not with every
    # request: the demo's page and its saved chats follow this.
    changes = 0

    @staticmethod
    def describe_request(request: Any) -> str:
        return str(request.method)

    async def _serve(self, route: str,
                     handle: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        """Answer every request to `route` with `handle`, on 127.0.0.1."""
        self._news = asyncio.Condition()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", route, handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]  # port 0: the OS picked a free one
        self.base_url = f"http://{host}:{port}"

    async def _shut_down(self) -> None:
        self._poll_generation += 1  # any long poll ends at once
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _notify(self) -> None:
        if self._news is not None:
            async with self._news:
                self._news.notify_all()

    async def changed(self) -> None:
        """Something people see changed outside the Bot API (the demo's people, its time)."""
        self.changes += 1
        await self._notify()

    def _notify_soon(self) -> None:
        with contextlib.suppress(RuntimeError):  # no running loop: nobody can be waiting
            asyncio.get_running_loop().create_task(self._notify())

    async def wait_until(self, condition: Callable[[], Any],
                         timeout: float = 5.0,  # noqa: ASYNC109 - the wait is the bound
                         ) -> Any:
        """Wait until `condition()` is truthy (checked after every request and update)."""
        assert self._news is not None, "start() first"
        async with self._news:
            return await asyncio.wait_for(self._news.wait_for(condition), timeout)

    async def wait_for(self, predicate: Callable[[Any], bool],
                       timeout: float = 5.0,  # noqa: ASYNC109 - the wait is the bound
                       ) -> Any:
        """The first recorded request matching `predicate`, waiting up to `timeout` seconds."""
        checked = 0

        def found() -> Any:
            nonlocal checked
            for request in self.requests[checked:]:
                if predicate(request):
                    return request
            checked = len(self.requests)
            return None

        try:
            return await self.wait_until(found, timeout)
        except TimeoutError:
            seen = ", ".join(self.describe_request(r) for r in self.requests[-30:])
            raise TimeoutError(f"no matching request within {timeout}s; "
                               f"last seen: {seen}") from None
