"""bot/html.py: parameters escaped once by the locale core, HTML measured and cut the way
Telegram counts it, without losing a character or leaving a tag open."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.html import HtmlFluentCore, Markup, escape, lines, plain, shorten, split, visible_length
from bot.plain_text import PlainLabels
from tests.telegram_rules import _html


@pytest.fixture
async def core():
    core = HtmlFluentCore(path=PROJECT_ROOT / "locales" / "{locale}", default_locale="ru")
    await core.startup()
    return core


async def test_parameters_are_escaped_once_and_rendered_messages_are_trusted(core):
    typed = '<a href="x">Анна</a> & Co'
    text = core.get("pair-side-mentor", "ru", name=typed)
    assert plain(text) == f"Наставник: {typed}"
    # A rendered message given to another is not escaped again, nor is escaped text.
    nested = core.get("pair-started-curator", "ru", pair=text, form=escape("a & b"))
    assert plain(nested) == f"Пара начала работу: Наставник: {typed} (a & b)."
    assert isinstance(text, Markup) and isinstance(nested, Markup)


async def test_plain_labels_built_without_aiogram_say_what_the_bot_says(core):
    """bot.plain_text.PlainLabels (a second process's labels for an export) gives, for every
    message of both languages, the plain text of what the bot's core renders, parameters with
    markup in them included."""
    folder = PROJECT_ROOT / "locales"
    sources = "".join(file.read_text(encoding="utf8") for file in folder.glob("*/*.ftl"))
    typed = '<b>Анна</b> & "Co" 7'
    params = dict.fromkeys(re.findall(r"\$([a-zA-Z_][\w-]*)", sources), typed)
    for locale in ("ru", "en"):
        label = PlainLabels(str(folder / "{locale}"), locale)()
        keys = list(core.get_translator(locale)._messages)
        assert len(keys) > 300
        for key in keys:
            if core.get_translator(locale).get_message(key).value is None:
                continue
            assert label(key, **params) == plain(core.get(key, locale, **params)), key
        with pytest.raises(KeyError):
            label("no-such-message")


def test_lines_escape_what_is_not_markup_yet():
    assert lines(["<b>", Markup("<i>x</i>")]) == "&lt;b&gt;\n<i>x</i>"
    assert lines([Markup("a"), "b&c"], ", ") == "a, b&amp;c"


def test_plain_and_visible_length_count_as_telegram_does():
    assert plain("<b>A &amp; B</b> &lt;3 &#34;q&#34;") == 'A & B <3 "q"'
    assert visible_length("<b>😀</b>&amp;") == 3  # an emoji is two UTF-16 code units


def test_split_prefers_line_breaks_and_keeps_tags_balanced():
    text = "<b>Заголовок</b>\n" + "\n".join(f"{n}. {'слово ' * 5}" for n in range(40))
    parts = split(text, 200)
    assert len(parts) > 1
    assert all(visible_length(part) <= 200 and not _html(part, 200, "text") for part in parts)
    assert all(not part.startswith("\n") for part in parts)
    assert "".join(plain(part) for part in parts).replace("\n", "") == \
        plain(text).replace("\n", "")
    # One line longer than the limit is cut inside, its tags closed and opened again.
    long_line = "<b>" + "я" * 450 + "</b>"
    parts = split(long_line, 200)
    assert [visible_length(part) for part in parts] == [200, 200, 50]
    assert all(part.startswith("<b>") and part.endswith("</b>") for part in parts)


def test_shorten_keeps_entities_whole():
    assert shorten("a &amp; b &amp; c", 4) == "a &amp;…"
    assert visible_length(shorten("<i>" + "x" * 50 + "</i>", 10)) == 10


pieces = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                 max_size=40)
tagged = st.tuples(st.sampled_from(["", "b", "i", "code"]), pieces).map(
    lambda pair: Markup(f"<{pair[0]}>{{}}</{pair[0]}>").format(pair[1]) if pair[0]
    else escape(pair[1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(tagged, max_size=6).map(lambda row: lines(row, " ")), max_size=30),
       st.integers(min_value=8, max_value=300))
def test_any_text_splits_into_valid_parts_within_the_limit(rows, limit):
    text = lines(rows)
    parts = split(text, limit)
    for part in parts:
        assert visible_length(part) <= limit
        assert _html(part, limit, "text") == [] or not plain(part).strip()
    # Nothing is lost but the white space at the cuts.
    assert "".join("".join(plain(part).split()) for part in parts) == \
        "".join(plain(text).split())
