"""The curator's charts: phone-sized PNGs that depend on the data, with Cyrillic labels, and a
message instead of a failure when there is nothing to draw."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.image import imread

from services import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MONDAY = date(2025, 9, 1)
AREAS = ["Проектирование урока", "Работа с родителями и законными представителями",
         "Оценивание результатов обучения", "Охрана жизни и здоровья учеников"]


def deficits(*shares: float) -> bytes:
    return charts.deficit_profile("Профиль дефицитов", list(zip(AREAS, shares, strict=False)),
                                  "Доля наставляемых с дефицитом, %", "Нет данных")


def before_after(*scores: tuple[float | None, float | None]) -> bytes:
    areas = [(name, before, after) for name, (before, after) in zip(AREAS, scores, strict=False)]
    return charts.before_after("Иванова Мария: дефициты", areas, "До программы",
                               "После программы", "Балл дефицита", 3, "Нет ответов")


def satisfaction(*series: tuple[str, list[int]]) -> bytes:
    return charts.satisfaction_distribution("Удовлетворённость", list(series), "Оценка",
                                            "Число ответов", "Нет ответов")


def meetings(*counts: int) -> bytes:
    weeks = [(MONDAY + timedelta(weeks=i), count) for i, count in enumerate(counts)]
    return charts.meetings_per_week("Встречи по неделям", weeks, "Неделя", "Встреч",
                                    "Встреч не было")


CHARTS: dict[str, Callable[[], bytes]] = {
    "deficit_profile": lambda: deficits(42, 100, 7.5, 0),
    "before_after": lambda: before_after((3, 1), (2, None), (None, 1.5), (0, 0)),
    "satisfaction_distribution": lambda: satisfaction(("Наставники", [8, 9, 10, 7, 10]),
                                                      ("Наставляемые", [6, 9, 9, 3])),
    "meetings_per_week": lambda: meetings(3, 0, 5, 12, 1),
}
EMPTY: dict[str, Callable[[], bytes]] = {
    "deficit_profile": lambda: deficits(),
    "before_after": lambda: before_after(),
    "before_after, no answers": lambda: before_after((None, None), (None, None)),
    "satisfaction_distribution": lambda: satisfaction(),
    "satisfaction_distribution, only out of range": lambda: satisfaction(("Наставники", [0, 11])),
    "meetings_per_week": lambda: meetings(),
}


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def pixels(png: bytes) -> np.ndarray:
    image = imread(io.BytesIO(png), format="png")
    width, height = size(png)
    assert image.shape == (height, width, 4)
    return image


def coloured(image: np.ndarray, colour: str) -> np.ndarray:
    """A mask of the pixels painted in exactly this colour (antialiased edges left out)."""
    return np.all(np.abs(image[..., :3] - to_rgb(colour)) < 0.01, axis=-1)


def assert_phone_png(png: bytes) -> None:
    width, height = size(png)
    assert 800 <= width <= 2500 and 600 <= height <= 2500
    assert len(png) < 300_000
    pixels(png)


@pytest.mark.parametrize("render", CHARTS.values(), ids=CHARTS.keys())
def test_chart_is_a_phone_sized_png_that_does_not_change_between_renders(
        render: Callable[[], bytes]) -> None:
    png = render()
    assert_phone_png(png)
    assert render() == png


@pytest.mark.parametrize("render", EMPTY.values(), ids=EMPTY.keys())
def test_nothing_to_draw_still_gives_a_png(render: Callable[[], bytes]) -> None:
    png = render()
    assert_phone_png(png)
    image = pixels(png)
    height, width = image.shape[:2]
    middle = image[height // 3: 2 * height // 3, width // 4: 3 * width // 4]
    assert coloured(middle, "#666666").sum() > 100  # the message, in the middle


@pytest.mark.parametrize(("first", "second"), [
    (lambda: deficits(10, 90), lambda: deficits(90, 10)),
    (lambda: before_after((3, 1)), lambda: before_after((1, 3))),
    (lambda: satisfaction(("Наставники", [5])), lambda: satisfaction(("Наставники", [6]))),
    (lambda: meetings(1, 2), lambda: meetings(2, 1)),
    (lambda: deficits(), lambda: deficits(0)),
], ids=["deficit_profile", "before_after", "satisfaction_distribution", "meetings_per_week",
        "empty"])
def test_different_data_give_different_images(first: Callable[[], bytes],
                                               second: Callable[[], bytes]) -> None:
    assert first() != second()


def test_first_area_is_on_top() -> None:
    image = pixels(deficits(90, 10))
    bars = coloured(image, charts.DEFICIT_COLOUR).sum(axis=1)
    top, bottom = bars[: len(bars) // 2].sum(), bars[len(bars) // 2:].sum()
    assert top > 5 * bottom > 0


def test_missing_answer_draws_no_bar() -> None:
    after = charts.AFTER_COLOUR
    answered = coloured(pixels(before_after((3, 3), (3, 3))), after).sum()
    unanswered = coloured(pixels(before_after((3, None), (3, None))), after).sum()
    assert unanswered < answered / 10  # only the legend's key is left


def test_cyrillic_labels_have_every_glyph() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for render in [*CHARTS.values(), EMPTY["deficit_profile"]]:
            render()


def test_satisfaction_ignores_values_outside_one_to_ten() -> None:
    only_five = satisfaction(("Наставники", [5]))
    assert satisfaction(("Наставники", [5, 11, 0, -3, 100])) == only_five
    assert satisfaction(("Наставники", [5, 5])) != only_five


def test_forty_weeks_of_meetings_render() -> None:
    counts = [(week * 7) % 13 for week in range(40)]
    png = meetings(*counts)
    assert_phone_png(png)
    assert png != meetings(*counts[:39])


def test_many_areas_make_a_taller_image_within_limits() -> None:
    areas = [(f"Область профессиональных компетенций № {i}", 5.0 * i) for i in range(20)]
    png = charts.deficit_profile("Профиль дефицитов", areas, "%", "Нет данных")
    assert_phone_png(png)
    assert size(png)[1] > size(deficits(10, 90))[1]


def test_threads_render_the_same_bytes() -> None:
    renders = list(CHARTS.values())
    with ThreadPoolExecutor(max_workers=4) as pool:
        in_threads = list(pool.map(lambda render: render(), renders))
    assert in_threads == [render() for render in renders]


def test_module_needs_neither_pyplot_nor_the_bot() -> None:
    code = ("import sys, services.charts; "
            "print(sorted(m for m in ('matplotlib.pyplot', 'aiogram', 'sqlalchemy', 'models') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[1], check=True,
                            capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
