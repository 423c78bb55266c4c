"""What escaping once and keeping Telegram's limits cost per message, measured in one run.

    .venv/bin/python -m bench.rendering [N]

- a locale message with three parameters through HtmlFluentCore (escaping them) against the
  plain Fluent core it extends;
- a question with its keyboard of six buttons (a name with markup in each label) sent through
  TelegramRules (labels turned into plain text, the text measured), as a share of one update
  through a bare aiogram handler over the mocked session;
- a 9,000-character text (a long /meetings, say) cut into parts.

Both sides of each ratio run on the same machine in the same process, so the ratio holds where
the absolute figures do not.
"""

from __future__ import annotations

import asyncio
import sys
import time

from aiogram.client.default import Default
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_i18n.cores import FluentRuntimeCore

from bench.updates import bare
from bot.config import PROJECT_ROOT
from bot.delivery import TelegramRules
from bot.html import HtmlFluentCore, lines, split

LOCALES = PROJECT_ROOT / "locales" / "{locale}"
NAME = 'Анна <b>«Ко»</b> & <a href="x">сайт</a>'


def per_call(action, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        action()
    return (time.perf_counter() - started) / count


async def per_await(action, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        await action()
    return (time.perf_counter() - started) / count


async def main(count: int) -> None:
    plain_core = FluentRuntimeCore(path=LOCALES, default_locale="ru")
    html_core = HtmlFluentCore(path=LOCALES, default_locale="ru")
    await plain_core.startup()
    await html_core.startup()
    params = {"name": NAME, "when": "25.11.2026 15:30", "topic": NAME}
    bare_fluent = per_call(lambda: plain_core.get("meet-accepted-proposer", "ru", **params), count)
    escaping = per_call(lambda: html_core.get("meet-accepted-proposer", "ru", **params), count)

    keyboard = InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=f"▫️ {NAME} {n}", callback_data=f"ans:s:1:q:pick:{n}")]
        for n in range(6)])
    question = SendMessage(chat_id=1, text=lines(["<b>Вопрос</b>", NAME] * 5),
                           reply_markup=keyboard, parse_mode=Default("parse_mode"))

    async def sent(bot, method):
        return method

    rules = TelegramRules()
    bare_request = await per_await(lambda: sent(None, question), count)
    ruled = await per_await(lambda: rules(sent, None, question), count)
    plain_question = question.model_copy(update={"reply_markup": InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=f"▫️ Вариант {n}", callback_data="x")]
                         for n in range(6)])})
    ruled_plain = await per_await(lambda: rules(sent, None, plain_question), count)
    bare_update = await bare(min(count, 1000))
    long_text = lines(f"• 25.11.2026 15:30 — {NAME} (Кабинет {n}) · согласована"
                      for n in range(160))
    cutting = per_call(lambda: split(long_text, 4096), max(count // 20, 1))
    print(f"calls per case: {count}")
    print(f"locale message, plain Fluent core: {bare_fluent * 1e6:.1f} µs (= 1.0)")
    print(f"locale message, escaping core: {escaping * 1e6:.1f} µs "
          f"= {escaping / bare_fluent:.2f}x")
    print(f"one update through a bare aiogram handler: {bare_update * 1e6:.0f} µs (= 1.0)")
    print(f"TelegramRules, a question with 6 plain labels: "
          f"+{(ruled_plain - bare_request) * 1e6:.1f} µs = "
          f"{(ruled_plain - bare_request) / bare_update:.3f}x")
    print(f"TelegramRules, 6 labels with markup to flatten: "
          f"+{(ruled - bare_request) * 1e6:.1f} µs = {(ruled - bare_request) / bare_update:.3f}x")
    print(f"a text of {len(long_text)} characters cut into "
          f"{len(split(long_text, 4096))} parts: {cutting * 1e3:.2f} ms")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
