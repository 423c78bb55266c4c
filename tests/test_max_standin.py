"""The MAX stand-in (tests/max_standin.py) driven over HTTP the way a bot would, no bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.max_people import MaxPerson
from tests.max_standin import MaxStandIn, dialog_id

ANNA = {"user_id": 101, "first_name": "Анна"}
BORIS = {"user_id": 102, "first_name": "Борис", "last_name": "Петров", "username": "boris"}
GROUP = -70_000_000_000_005


class Client:
    """A bot's side of the conversation: JSON calls with the token in Authorization."""

    def __init__(self, standin: MaxStandIn, http: aiohttp.ClientSession) -> None:
        self.standin, self.http = standin, http

    async def __call__(self, method: str, path: str, body: Any = None,
                       token: str | None = None, **query: Any) -> tuple[int, Any]:
        headers = {"Authorization": token if token is not None else self.standin.token}
        async with self.http.request(method, self.standin.base_url + path, json=body,
                                     params={k: str(v) for k, v in query.items()},
                                     headers=headers) as response:
            return response.status, await response.json(content_type=None)

    async def send(self, body: dict[str, Any], **query: Any) -> dict[str, Any]:
        status, answer = await self("POST", "/messages", body, **query)
        assert status == 200, answer
        return answer["message"]


@pytest.fixture
async def standin() -> AsyncIterator[MaxStandIn]:
    server = MaxStandIn(max_poll_wait=0.3)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def api(standin: MaxStandIn) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as http:
        yield Client(standin, http)


def keyboard(*rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "inline_keyboard", "payload": {"buttons": list(rows)}}


def callback(text: str, payload: str) -> dict[str, Any]:
    return {"type": "callback", "text": text, "payload": payload}


async def test_auth_by_header_or_legacy_query(standin: MaxStandIn, api: Client) -> None:
    status, me = await api("GET", "/me")
    assert status == 200 and me["is_bot"] is True and me["user_id"] == standin.bot_user_id
    assert await api("GET", "/me", token="wrong") == (
        401, {"code": "verify.token", "message": "Invalid access_token"})
    status, _ = await api("GET", "/me", token="", access_token=standin.token)
    assert status == 200
    status, error = await api("GET", "/nowhere")
    assert status == 404 and error["code"] == "not.found"


async def test_commands_are_validated_and_shown_in_me(api: Client) -> None:
    commands = [{"name": "start", "description": "Начало"}, {"name": "help"}]
    status, answer = await api("PATCH", "/me/commands", {"commands": commands})
    assert status == 200 and answer == {"commands": commands}
    assert (await api("GET", "/me"))[1]["commands"] == commands
    too_many = [{"name": f"c{n}"} for n in range(33)]
    assert (await api("PATCH", "/me", {"commands": too_many}))[0] == 400
    assert (await api("PATCH", "/me", {"commands": [{"name": "x" * 65}]}))[0] == 400


async def test_long_polling_with_marker_and_redelivery(standin: MaxStandIn,
                                                       api: Client) -> None:
    started = standin.push_bot_started(ANNA, payload="invite-7")
    standin.push_message(ANNA, "привет")
    status, first = await api("GET", "/updates", timeout=1)
    assert status == 200 and first["marker"] == 2
    assert [u["update_type"] for u in first["updates"]] == ["bot_started", "message_created"]
    assert first["updates"][0]["payload"] == "invite-7"
    assert first["updates"][0]["chat_id"] == dialog_id(101) == started["chat_id"] != 101
    message = first["updates"][1]["message"]
    assert message["recipient"] == {"chat_id": dialog_id(101), "chat_type": "dialog",
                                    "user_id": standin.bot_user_id}
    assert message["body"]["mid"].startswith("mid.") and message["timestamp"] > 10**12
    # Without a marker the server-side cursor goes on; with one, what follows it comes again.
    assert (await api("GET", "/updates", timeout=0))[1] == {"updates": [], "marker": 2}
    again = (await api("GET", "/updates", marker=1, timeout=0))[1]
    assert [u["update_type"] for u in again["updates"]] == ["message_created"]
    assert standin.deliveries == {1: 1, 2: 2}
    standin.push_callback(ANNA, message["body"]["mid"], "x")
    only = (await api("GET", "/updates", marker=2, types="message_created", timeout=0))[1]
    assert only == {"updates": [], "marker": 3}


async def test_a_long_poll_waits_and_a_second_one_ends_the_first(standin: MaxStandIn,
                                                                 api: Client) -> None:
    first = asyncio.create_task(api("GET", "/updates", timeout=30))
    await standin.wait_until(lambda: standin.calls("/updates"))
    second = asyncio.create_task(api("GET", "/updates", timeout=30))
    assert (await first)[1] == {"updates": [], "marker": 0}
    standin.push_message(BORIS, "hi")
    status, answer = await second
    assert status == 200 and answer["updates"][0]["message"]["sender"]["username"] == "boris"


async def test_send_edit_delete_and_get(standin: MaxStandIn, api: Client) -> None:
    standin.push_bot_started(ANNA)
    sent = await api.send({"text": "Вопрос", "attachments": [
        keyboard([callback("Да", "yes"), callback("Нет", "no")])]}, user_id=101)
    mid = sent["body"]["mid"]
    assert sent["sender"]["user_id"] == standin.bot_user_id
    assert sent["recipient"] == {"chat_id": dialog_id(101), "chat_type": "dialog",
                                 "user_id": 101}
    assert sent["body"]["attachments"][0]["payload"]["buttons"][0][1]["payload"] == "no"
    assert standin.chat(101)[-1].buttons() == [("Да", "yes"), ("Нет", "no")]
    # Text only: the keyboard stays; attachments [] removes it; no text keeps the text.
    assert await api("PUT", "/messages", {"text": "Вопрос 2"}, message_id=mid) == (
        200, {"success": True})
    assert standin.chat(101)[-1].buttons() == [("Да", "yes"), ("Нет", "no")]
    await api("PUT", "/messages", {"text": None, "attachments": []}, message_id=mid)
    shown = standin.chat(101)[-1]
    assert (shown.text, shown.buttons()) == ("Вопрос 2", [])
    assert (await api("GET", f"/messages/{mid}"))[1]["body"]["text"] == "Вопрос 2"
    status, error = await api("PUT", "/messages", {"text": "x"}, message_id="mid.nope")
    assert (status, error["code"]) == (404, "not.found")
    user_mid = standin.push_message(ANNA, "моё")["message"]["body"]["mid"]
    assert (await api("PUT", "/messages", {"text": "x"}, message_id=user_mid))[0] == 403
    standin.edit_quirk = True
    assert await api("PUT", "/messages", {"text": "y"}, message_id=mid) == (
        200, {"success": False, "message": "Failed to edit message"})
    assert standin.chat(101)[0].text == "Вопрос 2"
    assert await api("DELETE", "/messages", message_id=mid) == (200, {"success": True})
    assert [m.text for m in standin.chat(101)] == ["моё"]
    assert (await api("GET", f"/messages/{mid}"))[0] == 404


async def test_sending_errors(standin: MaxStandIn, api: Client) -> None:
    assert (await api("POST", "/messages", {"text": "x"}, user_id=555))[0] == 404
    standin.push_bot_started(ANNA)
    assert (await api("POST", "/messages", {"text": "x" * 4001}, user_id=101))[0] == 400
    assert (await api("POST", "/messages", {"text": ""}, user_id=101))[0] == 400
    assert (await api("POST", "/messages", {"text": "x"}, user_id=101, chat_id=1))[0] == 400
    await api.send({"text": "x" * 4000}, chat_id=dialog_id(101))
    standin.push_bot_stopped(ANNA)
    status, error = await api("POST", "/messages", {"text": "x"}, user_id=101)
    assert (status, error["code"]) == (403, "chat.denied")
    standin.push_bot_started(ANNA)
    standin.fail("POST", "/messages", 429)
    status, error = await api("POST", "/messages", {"text": "x"}, user_id=101)
    assert (status, error["code"]) == (429, "too.many.requests")
    await api.send({"text": "x"}, user_id=101)


@pytest.mark.parametrize(("rows", "ok"), [
    ([[callback("a", "p" * 1024)]], True),
    ([[callback("a", "p" * 1025)]], False),
    ([[callback("", "p")]], False),
    ([[callback("t" * 129, "p")]], False),
    ([[callback(str(n), str(n)) for n in range(7)]] * 30, True),
    ([[callback(str(n), str(n)) for n in range(8)]], False),
    ([[callback("a", "a")]] * 31, False),
    ([[{"type": "link", "text": "l", "url": "https://max.ru"}] * 4], False),
    ([[{"type": "link", "text": "l"}]], False),
    ([[{"type": "message", "text": "Готово"}, {"type": "request_contact", "text": "Тел"},
       {"type": "clipboard", "text": "c", "payload": "code"}]], True),
    ([[{"type": "url", "text": "t", "url": "https://max.ru"}]], False),
    ([], False),
])
async def test_keyboards_are_validated(standin: MaxStandIn, api: Client,
                                       rows: list[list[dict[str, Any]]], ok: bool) -> None:
    standin.push_bot_started(ANNA)
    status, answer = await api("POST", "/messages", {"text": "k", "attachments": [
        keyboard(*rows)]}, user_id=101)
    assert (status == 200) is ok, answer
    if not ok:
        assert answer["code"] == "proto.payload"


async def test_html_becomes_plain_text_and_markup(standin: MaxStandIn, api: Client) -> None:
    standin.push_bot_started(ANNA)
    sent = await api.send({"format": "html", "text": '<b>Жирный</b> и <i>курсив</i> '
                           '<a href="https://max.ru">ссылка</a> <code>x&lt;1</code>'},
                          user_id=101)
    assert sent["body"]["text"] == "Жирный и курсив ссылка x<1"
    assert sent["body"]["markup"] == [
        {"type": "strong", "from": 0, "length": 6},
        {"type": "emphasized", "from": 9, "length": 6},
        {"type": "link", "from": 16, "length": 6, "url": "https://max.ru"},
        {"type": "monospaced", "from": 23, "length": 3}]
    for broken in ("<b>open", "<b><i>x</b></i>", "<tg-spoiler>x</tg-spoiler>", "<a>x</a>"):
        status, error = await api("POST", "/messages", {"format": "html", "text": broken},
                                  user_id=101)
        assert (status, error["code"]) == (400, "proto.payload"), broken
    plain = await api.send({"text": "<b>как есть</b>"}, user_id=101)
    assert plain["body"]["text"] == "<b>как есть</b>" and "markup" not in plain["body"]


async def test_callback_answers_notify_and_edit(standin: MaxStandIn, api: Client) -> None:
    standin.push_bot_started(ANNA)
    sent = await api.send({"text": "Согласны?", "attachments": [
        keyboard([callback("Согласен", "agree")])]}, user_id=101)
    update = standin.push_callback(ANNA, sent["body"]["mid"], "agree")
    callback_id = update["callback"]["callback_id"]
    assert update["message"]["body"]["mid"] == sent["body"]["mid"]
    assert update["callback"]["user"]["user_id"] == 101
    status, error = await api("POST", "/answers", {}, callback_id=callback_id)
    assert (status, error["code"]) == (400, "proto.payload")
    assert await api("POST", "/answers", {"notification": "Принято", "message": {
        "text": "Спасибо", "attachments": []}}, callback_id=callback_id) == (
        200, {"success": True})
    assert standin.alerts(101) == ["Принято"]
    assert [(m.text, m.buttons()) for m in standin.chat(101)] == [("Спасибо", [])]
    again = await api("POST", "/answers", {"notification": "x"}, callback_id=callback_id)
    assert again[0] == 400 and again[1]["code"] == "callback.not.found"
    assert (await api("POST", "/answers", {"notification": "x"}, callback_id="nope"))[0] == 400


async def upload(api: Client, kind: str, data: bytes, filename: str) -> tuple[dict, Any]:
    status, endpoint = await api("POST", "/uploads", type=kind)
    assert status == 200, endpoint
    form = aiohttp.FormData()
    form.add_field("data", data, filename=filename)
    async with api.http.post(endpoint["url"], data=form) as response:
        assert response.status == 200
        return endpoint, await response.json(content_type=None) if kind in (
            "file", "image") else await response.text()


async def test_upload_flow_with_attachment_not_ready(standin: MaxStandIn, api: Client) -> None:
    standin.push_bot_started(ANNA)
    _, answer = await upload(api, "file", b"PK\x03\x04 xlsx", "report.xlsx")
    message = {"text": "Отчёт", "attachments": [{"type": "file", "payload": answer}]}
    status, error = await api("POST", "/messages", message, user_id=101)
    assert (status, error) == (400, {"code": "attachment.not.ready", "message":
                                     "Key: errors.process.attachment.file.not.processed"})
    sent = await api.send(message, user_id=101)
    attached = sent["body"]["attachments"][0]
    assert (attached["type"], attached["filename"], attached["size"]) == ("file",
                                                                         "report.xlsx", 9)
    assert [(u.filename, u.data) for u in standin.uploads_to(101)] == [
        ("report.xlsx", b"PK\x03\x04 xlsx")]
    await api.send(message, user_id=101)  # a token is reused at once
    _, photos = await upload(api, "image", b"\x89PNG....", "chart.png")
    assert list(photos) == ["photos"]
    image = {"type": "image", "payload": photos}
    assert (await api("POST", "/messages", {"attachments": [image]}, user_id=101))[0] == 400
    await api.send({"attachments": [image]}, user_id=101)
    endpoint, retval = await upload(api, "video", b"mp4", "v.mp4")
    assert "token" in endpoint and "retval" in retval
    assert (await api("POST", "/uploads", type="photo"))[0] == 400
    bad = {"attachments": [{"type": "file", "payload": {"token": "forged"}}]}
    assert (await api("POST", "/messages", bad, user_id=101))[0] == 400


async def test_webhook_delivery_with_secret_and_retries(standin: MaxStandIn,
                                                        api: Client) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = [503]

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Max-Bot-Api-Secret"), await request.json()))
        return web.Response(status=failures.pop() if failures else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        assert (await api("POST", "/subscriptions", {"url": url, "secret": "bad"}))[0] == 400
        standin.push_message(ANNA, "до подписки")
        assert await api("POST", "/subscriptions", {
            "url": url, "secret": "s3cret-value", "update_types": ["message_created"]}) == (
            200, {"success": True})
        standin.push_bot_started(BORIS)  # not among update_types
        standin.push_message(BORIS, "после")
        await standin.wait_until(lambda: standin.cursor == 3, 5)
        assert [(secret, u["message"]["body"]["text"]) for secret, u in received] == [
            ("s3cret-value", "до подписки"), ("s3cret-value", "до подписки"),
            ("s3cret-value", "после")]
        assert (await api("GET", "/subscriptions"))[1]["subscriptions"][0]["url"] == url
        status, error = await api("GET", "/updates", timeout=0)
        assert (status, error["code"]) == (405, "method.not.allowed")
        assert await api("DELETE", "/subscriptions", url=url) == (200, {"success": True})
        standin.push_message(ANNA, "опрос")
        assert [u["message"]["body"]["text"] for u in
                (await api("GET", "/updates", timeout=1))[1]["updates"]] == ["опрос"]
    finally:
        await runner.cleanup()


async def test_group_chats_members_and_admin(standin: MaxStandIn, api: Client) -> None:
    added = standin.push_bot_added(GROUP, ANNA, title="Школа №1")
    assert (added["update_type"], added["is_channel"]) == ("bot_added", False)
    standin.push_user_added(GROUP, BORIS, inviter_id=101)
    chat = (await api("GET", f"/chats/{GROUP}"))[1]
    assert (chat["type"], chat["title"], chat["owner_id"]) == ("chat", "Школа №1", 101)
    me = (await api("GET", f"/chats/{GROUP}/members/me"))[1]
    assert (me["is_admin"], me["permissions"]) == (False, None)
    assert (await api("GET", f"/chats/{GROUP}/members", user_ids="102"))[0] == 403
    standin.make_admin(GROUP)
    standin.make_admin(GROUP, user_id=101)
    assert "write" in (await api("GET", f"/chats/{GROUP}/members/me"))[1]["permissions"]
    members = (await api("GET", f"/chats/{GROUP}/members", user_ids="101,102"))[1]["members"]
    assert [(m["user_id"], m["is_admin"], m["is_owner"]) for m in members] == [
        (101, True, True), (102, False, False)]
    said = standin.push_message(BORIS, "всем привет", chat_id=GROUP)["message"]
    assert said["recipient"] == {"chat_id": GROUP, "chat_type": "chat"}
    sent = await api.send({"text": "Привет, группа"}, chat_id=GROUP)
    assert sent["recipient"] == {"chat_id": GROUP, "chat_type": "chat"}
    assert [m.text for m in standin.chat(GROUP)] == ["всем привет", "Привет, группа"]
    assert (await api("GET", "/chats/-1"))[0] == 404


async def test_a_person_presses_buttons_by_label(standin: MaxStandIn, api: Client) -> None:
    anna = MaxPerson(standin, 101)
    anna.start("code-1")
    sent = await api.send({"text": "Выберите", "attachments": [keyboard(
        [callback("Согласен", "agree")], [{"type": "message", "text": "Готово"}],
        [{"type": "link", "text": "Сайт", "url": "https://max.ru"}])]}, user_id=101)
    await anna.expect("Выберите")
    pressed = await anna.press("Согласен")
    assert pressed["callback"]["payload"] == "agree"
    assert (await anna.press("Готово", fresh=False))["message"]["body"]["text"] == "Готово"
    with pytest.raises(AssertionError, match="no button 'Сайт'"):
        await anna.press("Сайт", fresh=False, timeout=0.2)
    await api("POST", "/answers", {"notification": "Ок"},
              callback_id=pressed["callback"]["callback_id"])
    assert anna.alerts(since=0) == ["Ок"] and anna.last.mid == sent["body"]["mid"]
