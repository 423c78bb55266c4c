"""How a test waits for what a messenger's stand-in was asked or shows: one mixin for the
Telegram and the MAX stand-ins. The stand-in keeps `requests` and an asyncio.Condition `_news`
(made in start()), notified after every request and update."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


class Waiting:
    requests: list[Any]
    _news: asyncio.Condition | None

    @staticmethod
    def describe_request(request: Any) -> str:
        return str(request.method)

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
