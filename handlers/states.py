"""All conversation states of the bot, in one place."""

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    choosing_role = State()


class Answering(StatesGroup):
    """A question of a questionnaire or of the profile is on screen and awaits typed input.

    State data: flow ("s" or "p"), ref (response id), cursor (profile question after «Назад»),
    only (profile field being edited), draft (ticked options of a multiple-choice question).
    """

    question = State()


class MeetingStates(StatesGroup):
    """Proposing a meeting. Data: pair, day, time, place, topic; note: the meeting logged."""

    day = State()
    time = State()
    place = State()
    topic = State()
    model = State()
    repeat = State()
    note = State()


class PlanStates(StatesGroup):
    """The mentor adds a plan item: its goal, then its due date. Data: pair, goal."""

    goal = State()
    due = State()


class PairStates(StatesGroup):
    """After declining a proposed pair: the reason for the curator. Data: pair (id)."""

    decline_reason = State()
    # The curator types the school's order («12-О от 01.09.2026») or a new planned end.
    order = State()
    planned_end = State()


class MentorDetailStates(StatesGroup):
    """A curator types a teacher mentor's position or key competences, one state each (their
    limits differ). Data: user (the mentor's id)."""

    position = State()
    key_competences = State()


class BroadcastStates(StatesGroup):
    """A curator's announcement. Data: school (0: all theirs), form, role ("" for all), text
    (escaped), token (one per previewed text, so «send» pressed twice sends once)."""

    audience = State()
    text = State()
    confirm = State()


class RegionStates(StatesGroup):
    """A regional curator types a new municipality's or a new school's name."""

    municipality_name = State()
    school_name = State()
