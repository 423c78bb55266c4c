"""A thin client of MAX's Bot API (platform-api.max.ru) on aiohttp.

MAX answers errors as {"code": ..., "message": ...} with an HTTP status, and some calls answer
HTTP 200 with {"success": false, "message": ...}: both become `MaxError`. The token goes in the
Authorization header, as MAX requires since it retired the query parameter.
"""

from __future__ import annotations

import json
import logging
import ssl
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp

log = logging.getLogger(__name__)
DEFAULT_URL = "https://platform-api2.max.ru"
# MAX's API is served with a certificate of the Russian Trusted Root CA (Минцифры), which the
# usual certificate stores lack: trusted in addition to them, for MAX's requests only. The
# root is valid until 2032; its sub-CA until March 2027.
RUSSIAN_TRUSTED_CA = Path(__file__).with_name("russian_trusted_ca.pem")


@cache
def max_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=RUSSIAN_TRUSTED_CA)
    return context


class MaxError(Exception):
    """MAX refused a call: `status` is the HTTP status (200 for an error in a 200 body)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class MaxNetworkError(Exception):
    """MAX could not be reached, or its answer was not JSON."""


class MaxApi:
    def __init__(self, token: str, base_url: str | None = None, timeout: float = 60.0) -> None:
        self.token = token
        self.base_url = (base_url or DEFAULT_URL).rstrip("/")
        self.timeout = timeout
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            # The token goes with the API's requests only, not to the hosts uploads go to.
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=max_tls()),
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=10))
        return self._http

    async def close(self) -> None:
        if self._http is not None and not self._http.closed:
            await self._http.close()

    async def call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                   body: Any = None, timeout: float | None = None) -> Any:  # noqa: ASYNC109
        query = {key: _query_value(value) for key, value in (params or {}).items()
                 if value is not None}
        return await self._request(
            method, self.base_url + path, timeout, params=query,
            data=None if body is None else json.dumps(body, ensure_ascii=False),
            headers={"Authorization": self.token} | (
                {} if body is None else {"Content-Type": "application/json"}))

    async def upload(self, url: str, filename: str, data: bytes,
                     timeout: float | None = None) -> Any:  # noqa: ASYNC109
        """The second step of an upload: the file itself, to the address /uploads gave."""
        form = aiohttp.FormData()
        form.add_field("data", data, filename=filename)
        return await self._request("POST", url, timeout, data=form)

    async def _request(self, method: str, url: str, timeout: float | None,  # noqa: ASYNC109
                       **request: Any) -> Any:
        try:
            async with self._session().request(
                    method, url, timeout=aiohttp.ClientTimeout(total=timeout or self.timeout),
                    **request) as response:
                raw = await response.read()
                status = response.status
        except (TimeoutError, aiohttp.ClientError) as error:
            raise MaxNetworkError(f"{type(error).__name__}: {error}") from error
        return _result(status, raw)


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(item) for item in value)
    return value


def _result(status: int, raw: bytes) -> Any:
    try:
        decoded = json.loads(raw) if raw else {}
    except ValueError:
        if status >= 400:
            raise MaxError(status, "http", raw[:200].decode("utf-8", "replace")) from None
        raise MaxNetworkError(f"MAX answered {status} with no JSON") from None
    if status >= 400:
        if isinstance(decoded, dict):
            raise MaxError(status, str(decoded.get("code") or decoded.get("error") or status),
                           str(decoded.get("message") or ""))
        raise MaxError(status, str(status), str(decoded)[:200])
    if isinstance(decoded, dict) and decoded.get("success") is False:
        raise MaxError(status, str(decoded.get("code") or "failed"),
                       str(decoded.get("message") or ""))
    return decoded
