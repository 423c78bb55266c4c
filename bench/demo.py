"""The demo as a newcomer meets it: how long `python -m bot` with no token takes to print its
address, how quickly the page shows the bot's answer, how long «перемотать время» by a week
takes, and how much memory the process holds after it.

    .venv/bin/python -m bench.demo [SENDS]

A fresh demo in a temporary folder; the curator registers through the page's API, then sends
/help SENDS times (100), each waited for in the page's state as the page waits for it (p50 and
p99 from the POST to the answer in /api/state); then a week of time is moved in one press. The
process's resident memory (VmHWM, its peak) is read from /proc.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.burst import percentile
from tests.demo_page import DemoPage, DemoProcess

CURATOR = 1001


def newest_from_bot(chat: dict) -> int:
    return max((m["message_id"] for m in chat["messages"] if m["from"]["is_bot"]), default=0)


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(sends: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        demo = DemoProcess(Path(folder))
        began = time.perf_counter()
        address = await demo.start()
        started = time.perf_counter() - began
        async with aiohttp.ClientSession() as http:
            page = DemoPage(http, address)
            await page.start(CURATOR)
            await page.press(CURATOR, "Согласен")
            await page.send(CURATOR, "Смирнова Ольга Викторовна", after="Как вас зовут")
            answers = []
            for _ in range(sends):
                before = newest_from_bot(page.chat(CURATOR, await page.state()))
                sent = time.perf_counter()
                status, _ = await page.post("send", person=CURATOR, chat=CURATOR, text="/help")
                assert status == 200
                await page.until(lambda state, before=before: newest_from_bot(
                    page.chat(CURATOR, state)) > before)
                answers.append(time.perf_counter() - sent)
            moving = time.perf_counter()
            status, _ = await page.post("time", seconds=7 * 86400)
            assert status == 200
            week = time.perf_counter() - moving
        assert demo.process is not None
        memory = peak_memory_mb(demo.process.pid)
        assert await demo.stop() == 0
        kept = (Path(folder) / "demo-chats.json").stat().st_size / 1024
    print(f"start-up to the printed address: {started:.1f} s")
    print(f"/help through the page ({sends}x): p50 {percentile(answers, 0.5) * 1000:.0f} ms, "
          f"p99 {percentile(answers, 0.99) * 1000:.0f} ms")
    print(f"a week of time moved forward: {week:.2f} s")
    print(f"peak resident memory of the demo process: {memory:.0f} MB; its chats kept: "
          f"{kept:.0f} KB")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
