"""The curator's charts as PNG bytes, sent to Telegram as photos.

A photo is looked at on a phone, so every chart is about 1200×900 pixels (taller when there are
many bars), with large fonts, wrapped category labels and the values printed on the bars.
Callers pass plain data with labels already translated; nothing here knows about aiogram or the
database. Every text is drawn as given (`parse_math=False`): a title holds a person's name, and
matplotlib would otherwise read `$…$` in it as a formula, or fail on a broken one. Drawing uses
matplotlib's object-oriented API without pyplot, so there is no global state and charts can be
rendered in worker threads.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

DPI = 150
WIDTH = 8.0  # inches: 1200 pixels at DPI
HEIGHT = 6.0  # inches: 900 pixels at DPI
MAX_HEIGHT = 16.0  # inches: 2400 pixels at DPI
FONT = "DejaVu Sans"  # matplotlib's bundled font, with Cyrillic
TEXT_SIZE = 12
AXIS_LABEL_SIZE = 13
TITLE_SIZE = 15
LABEL_WIDTH = 28  # characters per line of a category label
TITLE_WIDTH = 50
MAX_TICK_LABELS = 20
SCORES = range(1, 11)
INSIDE_FROM = 0.85  # share of the axis from which a value label goes inside its bar

DEFICIT_COLOUR = "#c8553d"
BEFORE_COLOUR = "#a9bdd6"
AFTER_COLOUR = "#2f6db5"
MEETINGS_COLOUR = "#2f6db5"
SERIES_COLOURS = ("#2f6db5", "#e08a2c", "#4c9a5b", "#8e5ba8", "#c8553d")
GRID_COLOUR = "#dddddd"


def _figure(height: float = HEIGHT) -> tuple[Figure, Axes]:
    """A white figure with one axes, constrained layout and the common styling."""
    fig = Figure(figsize=(WIDTH, min(max(height, HEIGHT), MAX_HEIGHT)), dpi=DPI)
    fig.set_layout_engine("constrained")
    ax = fig.add_subplot()
    ax.tick_params(labelsize=TEXT_SIZE, labelfontfamily=FONT)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_axisbelow(True)
    return fig, ax


def _titles(ax: Axes, title: str, xlabel: str = "", ylabel: str = "") -> None:
    """The title centred on the figure (the axes is shifted by long labels), then axis labels."""
    ax.figure.suptitle(textwrap.fill(title, TITLE_WIDTH), fontsize=TITLE_SIZE, fontfamily=FONT,
                       fontweight="bold", parse_math=False)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=AXIS_LABEL_SIZE, fontfamily=FONT, parse_math=False)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=AXIS_LABEL_SIZE, fontfamily=FONT, parse_math=False)


def _empty(ax: Axes, text: str) -> None:
    """Nothing to draw: keep the axes and say so in the middle."""
    ax.text(0.5, 0.5, textwrap.fill(text, 40), transform=ax.transAxes, ha="center",
            va="center", fontsize=AXIS_LABEL_SIZE, fontfamily=FONT, color="#666666",
            bbox={"facecolor": "white", "edgecolor": "none"}, parse_math=False)


def _png(fig: Figure) -> bytes:
    """The figure as PNG bytes; no varying metadata, so equal data give equal bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _legend(fig: Figure, labels: Sequence[str]) -> None:
    legend = fig.legend(labels=list(labels), loc="outside lower center",
                        ncols=min(len(labels), 3), frameon=False,
                        prop={"family": FONT, "size": TEXT_SIZE})
    for text in legend.get_texts():
        text.set_parse_math(False)


def _wrap(label: str) -> str:
    return textwrap.fill(label, LABEL_WIDTH)


def _rows_height(labels: Sequence[str], bars_per_row: int) -> float:
    """Figure height in inches that leaves room for every wrapped label and its bars."""
    lines = max((_wrap(label).count("\n") + 1 for label in labels), default=1)
    text = lines * TEXT_SIZE * 1.3 / 72
    return 1.8 + len(labels) * max(text + 0.15, 0.3 * bars_per_row + 0.15)


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _hbar_values(ax: Axes, ys: Sequence[float], values: Sequence[float],
                 texts: Sequence[str], limit: float) -> None:
    """Value labels at the end of horizontal bars; inside the bar when it nearly fills the axis."""
    pad = limit * 0.01
    for y, value, text in zip(ys, values, texts, strict=True):
        end = min(max(value, 0), limit)  # a value off the scale is labelled at its edge
        inside = end >= limit * INSIDE_FROM
        ax.text(end - pad if inside else end + pad, y, text, va="center",
                ha="right" if inside else "left", color="white" if inside else "#222222",
                fontsize=TEXT_SIZE, fontfamily=FONT, fontweight="bold" if inside else "normal")


def _vbar_values(ax: Axes, xs: Sequence[float], values: Sequence[int]) -> None:
    """Counts above vertical bars, leaving zeros out to keep crowded charts clean."""
    for x, value in zip(xs, values, strict=True):
        if value:
            ax.annotate(str(value), (x, value), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=TEXT_SIZE, fontfamily=FONT)


def _count_axis(ax: Axes, highest: int) -> None:
    """A y axis of whole counts with headroom for the labels above the bars."""
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(highest, 1) * 1.15)
    ax.grid(axis="y", color=GRID_COLOUR)


def deficit_profile(title: str, areas: list[tuple[str, float]], axis_label: str,
                    empty_text: str) -> bytes:
    """Share of mentees with a deficit in each area, in percent: one bar per area, first on top."""
    fig, ax = _figure(_rows_height([name for name, _ in areas], 1))
    _titles(ax, title, xlabel=axis_label)
    ax.set_xlim(0, 100)
    ax.grid(axis="x", color=GRID_COLOUR)
    if not areas:
        ax.set_yticks([])
        _empty(ax, empty_text)
        return _png(fig)
    ys = range(len(areas))
    values = [share for _, share in areas]
    ax.barh(ys, values, height=0.6, color=DEFICIT_COLOUR)
    ax.set_yticks(ys, [_wrap(name) for name, _ in areas], parse_math=False)
    ax.invert_yaxis()
    _hbar_values(ax, ys, values, [f"{share:.0f}%" for share in values], 100)
    return _png(fig)


def before_after(title: str, areas: list[tuple[str, float | None, float | None]],
                 before_label: str, after_label: str, axis_label: str, scale_max: float,
                 empty_text: str) -> bytes:
    """One mentee's deficit scores per area before and after; None draws no bar."""
    shown = [area for area in areas if area[1] is not None or area[2] is not None]
    fig, ax = _figure(_rows_height([name for name, _, _ in shown], 2))
    _titles(ax, title, xlabel=axis_label)
    ax.set_xlim(0, scale_max)
    ax.grid(axis="x", color=GRID_COLOUR)
    if not shown:
        ax.set_yticks([])
        _empty(ax, empty_text)
        return _png(fig)
    height = 0.38
    for side, offset, colour in ((1, -height / 2, BEFORE_COLOUR), (2, height / 2, AFTER_COLOUR)):
        points = [(row + offset, area[side]) for row, area in enumerate(shown)
                  if area[side] is not None]
        ys = [y for y, _ in points]
        values = [value for _, value in points]
        ax.barh(ys, values, height=height, color=colour)
        _hbar_values(ax, ys, values, [_number(value) for value in values], scale_max)
    ax.set_yticks(range(len(shown)), [_wrap(name) for name, _, _ in shown], parse_math=False)
    ax.invert_yaxis()
    _legend(fig, [before_label, after_label])
    return _png(fig)


def satisfaction_distribution(title: str, series: list[tuple[str, list[int]]], axis_label: str,
                              count_label: str, empty_text: str) -> bytes:
    """How many answers gave each score 1..10, per series; values outside 1..10 are ignored."""
    counted = [(name, Counter(value for value in values if value in SCORES))
               for name, values in series]
    fig, ax = _figure()
    _titles(ax, title, xlabel=axis_label, ylabel=count_label)
    ax.set_xticks(SCORES)
    ax.set_xlim(SCORES[0] - 0.6, SCORES[-1] + 0.6)
    if not any(counts for _, counts in counted):
        _count_axis(ax, 1)
        _empty(ax, empty_text)
        return _png(fig)
    width = 0.8 / len(counted)
    highest = 0
    for index, (_, counts) in enumerate(counted):
        xs = [score - 0.4 + width * (index + 0.5) for score in SCORES]
        values = [counts[score] for score in SCORES]
        ax.bar(xs, values, width=width, color=SERIES_COLOURS[index % len(SERIES_COLOURS)])
        _vbar_values(ax, xs, values)
        highest = max(highest, *values)
    _count_axis(ax, highest)
    _legend(fig, [name for name, _ in counted])
    return _png(fig)


def meetings_per_week(title: str, weeks: list[tuple[date, int]], axis_label: str,
                      count_label: str, empty_text: str) -> bytes:
    """Meetings per week in date order, each week labelled by its Monday as dd.mm."""
    fig, ax = _figure()
    _titles(ax, title, xlabel=axis_label, ylabel=count_label)
    if not weeks:
        ax.set_xticks([])
        _count_axis(ax, 1)
        _empty(ax, empty_text)
        return _png(fig)
    weeks = sorted(weeks)
    xs = range(len(weeks))
    values = [count for _, count in weeks]
    ax.bar(xs, values, width=0.7, color=MEETINGS_COLOUR)
    ax.set_xlim(-0.6, len(weeks) - 0.4)
    mondays = [day - timedelta(days=day.weekday()) for day, _ in weeks]
    step = math.ceil(len(weeks) / MAX_TICK_LABELS)
    ticks = xs[::step]
    slanted = len(ticks) > 10
    ax.set_xticks(ticks, [mondays[tick].strftime("%d.%m") for tick in ticks],
                  rotation=45 if slanted else 0, ha="right" if slanted else "center",
                  rotation_mode="anchor")
    if len(weeks) <= MAX_TICK_LABELS:
        _vbar_values(ax, xs, values)
    _count_axis(ax, max(values))
    return _png(fig)


@dataclass(frozen=True)
class Panel:
    """One figure of a side-by-side comparison: its title, a value per compared place (None:
    nothing to count), the scale's top (None: from the values) and a target line."""

    title: str
    values: Sequence[float | None]
    limit: float | None = None
    target: float | None = None


COMPARE_COLUMNS = 2
COMPARE_COLOUR = "#2f6db5"
MISSED_COLOUR = "#c8553d"
TARGET_COLOUR = "#222222"


def comparison_labels(names: Sequence[str]) -> list[str]:
    """The compared places' labels: numbered from 1 in their order, as the text table beside the
    chart numbers its rows, then shortened. Schools' names often share a long beginning
    («Муниципальное бюджетное общеобразовательное учреждение …»), so the number is what tells
    two shortened labels apart."""
    return [textwrap.shorten(f"{number}. {name}", LABEL_WIDTH, placeholder="…")
            for number, name in enumerate(names, start=1)]


def comparison(title: str, names: Sequence[str], panels: Sequence[Panel], no_data: str) -> bytes:
    """Places side by side: a small horizontal bar chart per figure, each on its own scale, the
    places in the same order in every one, labelled by comparison_labels; a bar short of its
    panel's target is drawn in the warning colour, the target as a dashed line; a place with
    nothing to count says so."""
    rows = math.ceil(len(panels) / COMPARE_COLUMNS)
    panel_height = 0.9 + 0.32 * max(len(names), 1)
    fig = Figure(figsize=(WIDTH * 1.5, min(max(rows * panel_height + 1.0, HEIGHT), MAX_HEIGHT)),
                 dpi=DPI)
    fig.set_layout_engine("constrained")
    axes = fig.subplots(rows, COMPARE_COLUMNS, sharey=True, squeeze=False)
    fig.suptitle(textwrap.fill(title, TITLE_WIDTH * 2), fontsize=TITLE_SIZE, fontfamily=FONT,
                 fontweight="bold", parse_math=False)
    ys = range(len(names))
    labels = comparison_labels(names)
    for index, ax in enumerate(axes.flat):
        if index >= len(panels):
            ax.set_visible(False)
            continue
        panel = panels[index]
        ax.tick_params(labelsize=TEXT_SIZE - 2, labelfontfamily=FONT)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_axisbelow(True)
        ax.grid(axis="x", color=GRID_COLOUR)
        ax.set_title(textwrap.fill(panel.title, 40), fontsize=TEXT_SIZE, fontfamily=FONT,
                     parse_math=False)
        known = [value for value in panel.values if value is not None]
        limit = panel.limit or max([*known, panel.target or 0, 1]) * 1.15
        ax.set_xlim(0, limit)
        values = [value or 0 for value in panel.values]
        colours = [MISSED_COLOUR if panel.target is not None and value is not None
                   and value < panel.target else COMPARE_COLOUR for value in panel.values]
        ax.barh(ys, values, height=0.6, color=colours)
        if panel.target is not None:
            ax.axvline(panel.target, color=TARGET_COLOUR, linestyle="--", linewidth=1)
        _hbar_values(ax, ys, values, [no_data if value is None else _number(value)
                                      for value in panel.values], limit)
        ax.set_yticks(ys, labels, parse_math=False)
    axes[0][0].invert_yaxis()
    return _png(fig)
