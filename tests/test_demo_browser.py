"""The demo in a real browser: Playwright for Python driving Debian's Chromium (installed by
.ci/run; this test skips with the reason when it is absent). A teacher consents and answers the
whole diagnosis by clicking, the curator sees it in the summary in the next column, invites a
pupil by a link opened in the pupil's column, two pupils pair and agree on a meeting, and time is
moved forward until its reminder appears. Screenshots go to artifacts/demo (git-ignored)."""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import PROJECT_ROOT
from bot.demo.run import DEMO_SCHOOL
from models import Answer, Meeting, OutboxMessage, Pair, Response, User
from tests.demo_page import DemoProcess
from tests.test_demo import stored

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "artifacts" / "demo"

try:
    from playwright.async_api import Locator, Page, async_playwright, expect
except ImportError:  # pragma: no cover - the test extra installs it
    async_playwright = None

pytestmark = [
    pytest.mark.skipif(async_playwright is None, reason="Playwright is not installed "
                       "(pip install -e '.[test]')"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed "
                       "(apt-get install chromium; .ci/run does)"),
]
CURATOR, ANNA, MASHA, KOLYA = 1001, 1003, 1004, 1005
WAIT_MS = 15_000


def column(page: Page, person: int) -> Locator:
    return page.locator(f'section.chat[data-person="{person}"]')


async def bot_said(chat: Locator) -> str:
    """The bot's messages in a chat, their buttons included (a toggle edits only those)."""
    return "\n".join(await chat.locator(".message.from-bot").all_inner_texts())


async def settled(page: Page, chat: Locator, action) -> None:
    """Do `action` and wait until the bot's messages in the chat change (a new one, or the
    question edited in place)."""
    before = await bot_said(chat)
    await action()
    selector = await chat.evaluate("c => c.dataset.chat")
    await page.wait_for_function(
        """([chat, before]) => {
            const texts = [...document.querySelectorAll(
                `section.chat[data-chat="${chat}"] .message.from-bot`)];
            return texts.map(t => t.innerText).join("\\n") !== before;
        }""", arg=[selector, before], timeout=WAIT_MS)


async def press(page: Page, person: int, label: str) -> None:
    """The newest button labelled `label`, or else with `label` in its label (case counts:
    «Согласен» is not «Не согласен»)."""
    chat = column(page, person)
    buttons = chat.locator("button.inline-button")
    exact = buttons.filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    button = exact.last if await exact.count() else \
        buttons.filter(has_text=re.compile(re.escape(label))).last
    await settled(page, chat, button.click)


async def write(page: Page, person: int, text: str, after: str | None = None) -> None:
    """Type and send `text`; `after`: once the bot's question with these words is shown, as a
    person answers (typed sooner, the bot would not count it as the answer)."""
    chat = column(page, person)
    if after is not None:
        await sees(page, person, after)

    async def send() -> None:
        await chat.locator("textarea.compose").fill(text)
        await chat.locator("textarea.compose").press("Enter")

    await settled(page, chat, send)


async def sees(page: Page, person: int, text: str) -> None:
    await expect(column(page, person).locator(".message.from-bot").filter(
        has_text=text).last).to_be_visible(timeout=WAIT_MS)


async def open_link_as(page: Page, from_person: int, to_person: int) -> None:
    """Click the newest invitation link in one chat and open it as another person."""
    link = column(page, from_person).locator(".message.from-bot a", has_text="t.me/").last
    await link.click()
    chat = column(page, to_person)
    await settled(page, chat, page.locator(
        f'.open-as button.open-as-person[data-person="{to_person}"]').click)


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


async def test_a_newcomer_answers_the_diagnosis_invites_a_pupil_and_sees_a_reminder(
        tmp_path: Path) -> None:
    demo = DemoProcess(tmp_path)
    address = await demo.start()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        page = await browser.new_page(viewport={"width": 1800, "height": 1000})
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: message.type == "error" and problems.append(
            message.text))
        try:
            await page.goto(address)
            await expect(page.locator("#demo-clock")).not_to_be_empty()

            # The teacher: Start, consent, role and profile, then the whole diagnosis.
            anna = column(page, ANNA)
            await settled(page, anna, anna.locator("button.start-button").click)
            await press(page, ANNA, "Согласен")
            await press(page, ANNA, "Наставляемый (педагог)")
            await write(page, ANNA, "Иванова Анна Сергеевна", after="Как вас зовут")
            await write(page, ANNA, DEMO_SCHOOL, after="В какой школе")
            await press(page, ANNA, "Математика")
            await press(page, ANNA, "Готово")
            await write(page, ANNA, "2", after="Сколько лет")
            await press(page, ANNA, "Молодой специалист")
            await sees(page, ANNA, "Профиль заполнен")
            await press(page, ANNA, "Диагностика")
            for score in ("1", "2", "3", "0", "2", "1", "3", "2"):
                await press(page, ANNA, score)
            await write(page, ANNA, "Посетить мои уроки и разобрать их", after="Какую помощь")
            await sees(page, ANNA, "заполнена, ответы сохранены")
            await shot(page, "1-diagnosis")

            # The curator, in the next column, sees it in the summary.
            curator = column(page, CURATOR)
            await settled(page, curator, curator.locator("button.start-button").click)
            await press(page, CURATOR, "Согласен")
            await write(page, CURATOR, "Смирнова Ольга Викторовна", after="Как вас зовут")
            await curator.locator("button.menu-button").click()
            await settled(page, curator, curator.locator("button.menu-command",
                                                         has_text="/summary").click)
            await sees(page, CURATOR, "Сводка")
            # A chart comes as a photo shown in the chat, an export as a file to download.
            await press(page, CURATOR, "Дефициты")
            await expect(curator.locator(".message img.photo").last).to_be_visible(timeout=WAIT_MS)
            await press(page, CURATOR, "Excel")
            export = curator.locator("a.document[download]").last
            await expect(export).to_be_visible(timeout=WAIT_MS)
            async with page.expect_download() as downloading:
                await export.click()
            download = await downloading.value
            assert download.suggested_filename.endswith(".xlsx")
            assert (await download.path()).read_bytes()[:2] == b"PK"  # a zip: XLSX
            await shot(page, "2-summary")

            # Pupils: the curator's invitation link opened in Маша's column, then Коля's.
            for pupil, role, name, answers in (
                    (MASHA, "Ученик-наставник", "Кузнецова Маша",
                     ("1", "10", "Проекты", "Готово", "Пропустить")),
                    (KOLYA, "Ученик-наставляемый", "Сидоров Коля",
                     ("7", "Учёба", "Готово", "Пропустить"))):
                await write(page, CURATOR, "/invites")
                await press(page, CURATOR, role)
                await open_link_as(page, CURATOR, pupil)
                # As in Telegram, the person sees "/start"; the payload is the bot's.
                await expect(column(page, pupil).locator(".message.from-person .text").last
                             ).to_have_text("/start")
                await press(page, pupil, "Согласен")
                await write(page, pupil, name, after="Как тебя зовут")
                for label in answers:
                    await press(page, pupil, label)
                await sees(page, pupil, "Профиль заполнен")
            await write(page, MASHA, "/invite")
            await open_link_as(page, MASHA, KOLYA)
            await press(page, KOLYA, "Согласен")
            await sees(page, MASHA, "Вы согласны?")
            await press(page, MASHA, "Согласен")
            await sees(page, KOLYA, "Пара начала работу")

            # A meeting the day after tomorrow, accepted; then «перемотать время» by days.
            clock = await page.evaluate(
                "fetch('/api/state').then(r => r.json()).then(s => s.clock)")
            today = datetime.fromisoformat(clock["now"]).astimezone(ZoneInfo(clock["timezone"]))
            await write(page, MASHA, "/meet")
            await press(page, MASHA, (today + timedelta(days=2)).strftime("%d.%m"))
            for typed in ("15:30", "Библиотека", "Подготовка к олимпиаде"):
                await write(page, MASHA, typed)
            await press(page, MASHA, "Сделаем вместе")
            await press(page, MASHA, "Один раз")
            await sees(page, KOLYA, "предлагает встречу")
            await press(page, KOLYA, "Принять")
            for _ in range(2):
                await page.locator('button[data-advance="86400"]').click()
                await expect(page.locator('button[data-advance="86400"]')).to_be_enabled(
                    timeout=WAIT_MS)
            await sees(page, KOLYA, "Напоминание о встрече")
            await sees(page, MASHA, "Напоминание о встрече")
            await shot(page, "3-reminder")

            # The page speaks English too; a phone-sized screen shows one chat at a time.
            await page.locator("#lang-en").click()
            await expect(page.locator("#demo-clock")).to_contain_text("Demo time")
            await page.set_viewport_size({"width": 390, "height": 844})
            await shot(page, "4-phone")
        except Exception:
            await shot(page, "failure")  # what the page showed, for the CI artefacts
            raise
        assert problems == []
        await browser.close()
    assert await demo.stop() == 0

    users = {u.telegram_id: u for u in await stored(tmp_path, User)}
    assert set(users) == {CURATOR, ANNA, MASHA, KOLYA}
    (diagnosis,) = await stored(tmp_path, Response, Response.user_id == users[ANNA].id)
    assert diagnosis.questionnaire_code == "diagnosis_mentee" and diagnosis.completed_at
    answers = {a.question_id: a.value for a in await stored(
        tmp_path, Answer, Answer.response_id == diagnosis.id)}
    assert answers["area_methods"] == 1 and answers["area_safety"] == 2
    assert answers["expected_help"] == "Посетить мои уроки и разобрать их"
    (pair,) = await stored(tmp_path, Pair)
    assert (pair.status, pair.form) == ("active", "pupil_pupil")
    (meeting,) = await stored(tmp_path, Meeting)
    reminders = await stored(tmp_path, OutboxMessage, OutboxMessage.kind == "meeting-reminder",
                             OutboxMessage.status == "sent")
    assert len(reminders) == 2 and meeting.status == "accepted"
