"""Questionnaire files: validation at start-up, and versions that protect old answers."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot import factory
from bot.config import PROJECT_ROOT
from bot.factory import build_app
from bot.html import HtmlFluentCore, plain
from domain.profile import ProfileForm
from domain.questionnaire import Catalog, DefinitionError, Question, parse_questionnaire
from handlers.rendering import question_hint
from models import QuestionnaireVersion, Response
from tests.conftest import Running
from tests.flows import TEACHER_MENTEE, register, school_with_pair_candidates, the_pair
from tests.telegram import texts

SHIPPED = PROJECT_ROOT / "content"
GOOD = {
    "id": "sample", "version": 1, "kind": "test",
    "title": {"ru": "Пример", "en": "Sample"},
    "short_title": {"ru": "Пример", "en": "Sample"},
    "audience": {"roles": ["mentee_teacher"]},
    "questions": [
        {"id": "q1", "type": "yesno", "text": {"ru": "Да?", "en": "Yes?"}},
        {"id": "q2", "type": "text", "max_length": 10, "text": {"ru": "Т", "en": "T"},
         "show_if": {"question": "q1", "equals": True}},
    ],
}


def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SHIPPED, target)
    return target


def write(directory: Path, name: str, data) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    return path


def test_shipped_questionnaires_load():
    catalog = Catalog.from_directory(SHIPPED / "questionnaires")
    assert {q.id for q in catalog} == {
        "diagnosis_mentee", "diagnosis_mentor", "preferences_mentee", "preferences_mentor",
        "satisfaction_mentee", "satisfaction_mentor", "satisfaction_pupil",
    }
    diagnosis = catalog.get("diagnosis_mentee")
    assert len([q for q in diagnosis.questions if q.id.startswith("area_")]) == 8


def test_a_question_is_worded_for_the_role_that_has_words_of_its_own():
    data = broken(lambda d: d["questions"][0]["text"].update(
        by_role={"mentee_teacher": {"ru": "Для наставляемого", "en": "For a mentee"}}))
    question = parse_questionnaire(data, "sample.yaml").questions[0]
    assert question.worded_for(["mentee_teacher"]).text.get("en") == "For a mentee"
    assert question.worded_for(["mentor_teacher", None]).text.get("ru") == "Да?"
    # A file that words nothing by role keeps the digest it had before by_role existed.
    assert "by_role" not in json.dumps(GOOD) and parse_questionnaire(GOOD, "s").digest() == \
        "569b7bb30810b4ef9b324b7df6a53a39101535ffc52acbd45ee63255869c03b5"


def test_an_unknown_role_in_the_profile_stops_start_up(tmp_path):
    content = content_copy(tmp_path)
    path = content / "profile.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("mentee_pupil: *pupil_name",
                                                             "pupil: *pupil_name"),
                    encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"profile\.yaml: .*unknown role 'pupil'"):
        ProfileForm.from_file(path)


def test_only_a_typed_profile_question_may_be_optional(tmp_path):
    """A skipped profile question stores an empty text (domain.profile.SKIPPED), which only a
    text column can hold."""
    content = content_copy(tmp_path)
    path = content / "profile.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    field: grade\n", "    field: grade\n    optional: true\n"), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"question 'grade': only a typed profile question "
                       r"may be optional"):
        ProfileForm.from_file(path)


def test_a_condition_on_a_profile_question_the_profile_lacks_stops_start_up(
        tmp_path, make_settings):
    content = content_copy(tmp_path)
    path = content / "questionnaires" / "diagnosis_mentee.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "show_if: {profile: category,", "show_if: {profile: situation,"), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"'diagnosis_mentee': question 'burnout_details': "
                       r"show_if refers to profile question 'situation', which .*profile\.yaml"):
        build_app(make_settings(content_dir=content))


def test_a_diagnosis_matching_reads_must_rate_every_area(tmp_path, make_settings):
    content = content_copy(tmp_path)
    path = content / "questionnaires" / "diagnosis_mentor.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: area_safety", "id: safety"),
                    encoding="utf-8")
    with pytest.raises(DefinitionError, match="'diagnosis_mentor': a diagnosis that matching "
                       "reads rates every area on a scale; missing or not a scale: area_safety"):
        build_app(make_settings(content_dir=content))


def broken(change):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    change(data)
    return data


@pytest.mark.parametrize(("content", "problem"), [
    ("id: sample\n  version: [1", "cannot read YAML"),
    (broken(lambda d: d["questions"][0].update(type="slider")), "questions.0.type"),
    (broken(lambda d: d["questions"][1]["show_if"].update(question="q9")), "not an earlier"),
    (broken(lambda d: d["questions"][1]["show_if"].update(profile="category")),
     "exactly one of: question, profile"),
    (broken(lambda d: d["questions"].append(dict(d["questions"][0]))), "used twice"),
    (broken(lambda d: d["questions"][0].update(type="scale")), "needs min < max"),
    (broken(lambda d: d["questions"][1].pop("max_length")), "max_length"),
    (broken(lambda d: d["title"].pop("en")), "title.en"),
    (broken(lambda d: d.update(id="other")), "must match the file name"),
    (broken(lambda d: d.pop("short_title")), "short_title: Field required"),
    (broken(lambda d: d["short_title"].update(ru="Очень длинное название анкеты, больше")),
     "short_title.ru: String should have at most 31 characters"),
    (broken(lambda d: d["short_title"].update(en="Before/after")), "short_title.en"),
    (broken(lambda d: d["audience"].update(roles=["director"])), "audience.roles"),
    (broken(lambda d: d["questions"][0]["text"].update(
        by_role={"director": {"ru": "Д", "en": "D"}})), "unknown role 'director'"),
    (broken(lambda d: d["questions"][0].update(hint={"ru": "П", "en": "H", "by_role": {
        "mentor_teacher": {"ru": "Д", "en": "D"}}})), "by_role names mentor_teacher, not among"),
    (broken(lambda d: d["questions"][0]["text"].update(
        by_role={"mentee_teacher": {"ru": "Д"}})), "by_role.mentee_teacher.en"),
])
def test_a_broken_file_is_named_with_its_problem(tmp_path, content, problem):
    path = write(tmp_path, "sample.yaml", content)
    with pytest.raises(DefinitionError) as error:
        Catalog.from_directory(tmp_path)
    assert str(path) in str(error.value) and problem in str(error.value)


def test_two_questionnaires_cannot_share_a_short_title(tmp_path):
    write(tmp_path, "sample.yaml", GOOD)
    write(tmp_path, "other.yaml", {**GOOD, "id": "other",
                                   "short_title": {"ru": "Другая", "en": "SAMPLE"}})
    with pytest.raises(DefinitionError, match=r"'sample': short_title\.en is the same as 'other'"):
        Catalog.from_directory(tmp_path)


def test_a_broken_file_stops_the_app_from_being_built(tmp_path, make_settings):
    content = content_copy(tmp_path)
    write(content / "questionnaires", "sample.yaml", broken(lambda d: d.pop("questions")))
    with pytest.raises(DefinitionError, match=r"sample\.yaml: questions: Field required"):
        build_app(make_settings(content_dir=content))


@pytest.mark.db
async def test_changed_questionnaire_needs_a_new_version_and_old_answers_keep_theirs(
    tmp_path, make_settings
):
    content = content_copy(tmp_path)
    settings = make_settings(content_dir=content)
    first = await Running(build_app(settings)).start()
    anna = first.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    await anna.press("3")
    await first.stop()

    path = content / "questionnaires" / "diagnosis_mentee.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    shipped = data["version"]
    data["questions"][1]["text"]["ru"] = "Новая формулировка второго вопроса"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    unchanged_version = build_app(settings)
    with pytest.raises(DefinitionError,
                       match=f"'diagnosis_mentee': version {shipped} has 1 responses"):
        await unchanged_version.prepare_database()
    await unchanged_version.close()

    data["version"] = shipped + 1
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = await Running(build_app(settings)).start()
    try:
        anna = second.person(anna.user.id)
        await anna.send("/surveys")
        await anna.press("Продолжить: Диагностика")
        # The response started on the shipped version keeps its wording.
        assert "Новая формулировка" not in anna.last.text and "Вопрос 2 из 9" in anna.last.text
        async with second.session() as session:
            versions = (await session.scalars(select(QuestionnaireVersion.version).where(
                QuestionnaireVersion.code == "diagnosis_mentee"))).all()
            response = await session.scalar(select(Response))
        assert sorted(versions) == [shipped, shipped + 1]
        assert response.questionnaire_version == shipped
    finally:
        await second.stop()


def rename(content: Path, old: str, new: str) -> None:
    """A questionnaire's code changed in its file, its file's name and the calendars."""
    source = content / "questionnaires" / f"{old}.yaml"
    text = source.read_text(encoding="utf-8").replace(f"id: {old}\n", f"id: {new}\n")
    source.unlink()
    (content / "questionnaires" / f"{new}.yaml").write_text(text, encoding="utf-8")
    for calendar in (content / "calendars").glob("*.yaml"):
        calendar.write_text(calendar.read_text(encoding="utf-8").replace(
            f"questionnaire: {old}\n", f"questionnaire: {new}\n"), encoding="utf-8")


async def pair_from_match(running):
    """A mentor and a mentee paired from /match, whose reasons name the mentee's weak areas
    that the mentor covers; the curator and the started pair."""
    curator, (petr,), (anna,) = await school_with_pair_candidates(running)
    await curator.send("/match")
    assert "закрывает слабые области: формы и методы обучения, педагогические технологии" \
        in curator.last.text
    await curator.press("Принять")
    await anna.press("Согласен")
    await petr.press("Согласен")
    return curator, await the_pair(running)


@pytest.mark.db
async def test_renamed_questionnaires_still_serve_their_purposes(tmp_path, make_settings,
                                                                  clock):
    """What a questionnaire is for comes from its file (kind and audience), not its code:
    renamed, the diagnoses still drive /match and the plan, the satisfaction questionnaires
    the summary, and the short titles name the export's sheets."""
    content = content_copy(tmp_path)
    for old, new in (("diagnosis_mentee", "deficits"), ("diagnosis_mentor", "strengths"),
                     ("preferences_mentee", "wishes_mentee"),
                     ("satisfaction_mentee", "feedback_mentee")):
        rename(content, old, new)
    # The tests' morning, not the wall clock: in the evening the proposal waits for 9:00.
    running = await Running(build_app(make_settings(content_dir=content), clock=clock)).start()
    try:
        assert running.app.surveys.catalog.purposes.deficits == "deficits"
        curator, pair = await pair_from_match(running)
        assert [item.area for item in pair.plan][:2] == ["area_methods", "area_safety"]
        await curator.send("/summary")
        summary = curator.last.text
        assert "• Диагностика профессиональных дефицитов: 1 / 0 / 0" in summary
        assert "Удовлетворённость наставляемого: кто не прошёл" in str(curator.last.buttons())
        async with running.session() as session:
            kinds = dict((await session.execute(select(
                QuestionnaireVersion.code, QuestionnaireVersion.kind))).all())
        assert kinds["deficits"] == "diagnosis" and "diagnosis_mentee" not in kinds
    finally:
        await running.stop()


# How to answer, in the words a question or a hint says it (stems, lower case): one group per
# instruction, synonyms together, so that «Отметь…» in the question and «Отметьте…» under it, or
# "write" above "Type your answer", count as the same instruction given twice.
INSTRUCTIONS = {
    "ru": {"done": ("готово",), "press": ("кнопк", "нажм", "нажат"), "tick": ("отмет",),
           "choose": ("выбер", "выбир"), "write": ("напиш", "введ"),
           "undo": ("повторн", "снима", "убира")},
    "en": {"done": ("done",), "press": ("button", "press"), "tick": ("tick",),
           "choose": ("choose", "select", "pick"), "write": ("type", "write"),
           "undo": ("again", "remove")},
}


class Words:
    """What handlers.rendering needs of an I18nContext: the shipped messages in one language."""

    def __init__(self, core: HtmlFluentCore, locale: str) -> None:
        self.core, self.locale = core, locale

    def get(self, key: str, **params) -> str:
        return self.core.get(key, self.locale, **params)


def shipped_questions() -> list[tuple[str, Question]]:
    """Every question of every shipped questionnaire and of the profile, as each role reads it."""
    catalog = Catalog.from_directory(SHIPPED / "questionnaires")
    form = ProfileForm.from_file(SHIPPED / "profile.yaml")
    found = []
    for source, question in ([(q.id, question) for q in catalog for question in q.questions]
                             + [("profile", question) for question in form.questions]):
        found.append((f"{source}.{question.id}", question))
        found += [(f"{source}.{question.id} ({role})", question.worded_for([role]))
                  for role in sorted(question.worded_roles())]
    return found


async def test_no_question_says_how_to_answer_twice():
    """A question says what is asked and its hint how to answer (the generic one of its type, or
    its own): the same instruction in both («Отметьте … и нажмите «Готово».» above «Отметьте
    подходящие варианты и нажмите «Готово».») reads as said twice. Every question of every
    content file and of the profile, for every role it is worded for, in both languages."""
    core = HtmlFluentCore(path=PROJECT_ROOT / "locales" / "{locale}", default_locale="ru")
    await core.startup()
    repeated = []
    for where, question in shipped_questions():
        for locale, groups in INSTRUCTIONS.items():
            text = question.text.get(locale)
            hint = plain(question_hint(Words(core, locale), question))
            twice = [instruction for instruction, stems in groups.items()
                     if any(stem in text.lower() for stem in stems)
                     and any(stem in hint.lower() for stem in stems)]
            if twice:
                repeated.append(f"{where} [{locale}] {', '.join(twice)}: «{text}» / «{hint}»")
    assert repeated == [], "\n".join(repeated)


@pytest.mark.db
async def test_a_renamed_area_needs_no_python(tmp_path, make_settings, clock, monkeypatch):
    """The diagnosis areas are the deficits questionnaire's scale questions, in its order: an
    area renamed in both diagnoses (and named in the locales) is the one matching, the plan,
    the summary and the checks read. Without its name in every language the bot does not start
    (else /summary, /plan and the cards would fail on it)."""
    content = content_copy(tmp_path)
    for name in ("diagnosis_mentee", "diagnosis_mentor"):
        path = content / "questionnaires" / f"{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "id: area_safety", "id: area_health"), encoding="utf-8")
    locales = tmp_path / "locales"
    shutil.copytree(PROJECT_ROOT / "locales", locales)
    monkeypatch.setattr(factory, "LOCALES_DIR", locales / "{locale}")
    with pytest.raises(DefinitionError, match=r"missing: area-area_health \(ru\), "
                                              r"area-area_health \(en\)"):
        build_app(make_settings(content_dir=content))
    for locale, label in (("ru", "здоровье учеников"), ("en", "pupils' health")):
        with (locales / locale / "main.ftl").open("a", encoding="utf-8") as ftl:
            ftl.write(f"area-area_health = {label}\n")
    running = await Running(build_app(make_settings(content_dir=content), clock=clock)).start()
    try:
        areas = running.app.surveys.catalog.purposes.areas
        assert areas[0] == "area_methods" and areas[-1] == "area_health"
        assert "area_safety" not in areas
        curator, pair = await pair_from_match(running)
        assert [item.area for item in pair.plan] == ["area_methods", "area_health",
                                                     "area_technologies"]
        said = texts(await curator.send("/summary"))
        assert any("здоровье учеников" in text for text in said)
    finally:
        await running.stop()
    # Renamed in the mentee's diagnosis only, the mentor's no longer rates every area.
    path = content / "questionnaires" / "diagnosis_mentor.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "id: area_health", "id: area_safety"), encoding="utf-8")
    with pytest.raises(DefinitionError, match="missing or not a scale: area_health"):
        build_app(make_settings(content_dir=content))
