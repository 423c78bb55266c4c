"""Roles and forms of mentoring as the programme documents name them."""

from enum import StrEnum


class Role(StrEnum):
    MENTOR_TEACHER = "mentor_teacher"
    MENTEE_TEACHER = "mentee_teacher"
    MENTOR_PUPIL = "mentor_pupil"
    MENTEE_PUPIL = "mentee_pupil"

    @property
    def is_teacher(self) -> bool:
        return self in (Role.MENTOR_TEACHER, Role.MENTEE_TEACHER)

    @property
    def is_mentor(self) -> bool:
        return self in (Role.MENTOR_TEACHER, Role.MENTOR_PUPIL)


class Form(StrEnum):
    TEACHER_TEACHER = "teacher_teacher"
    PUPIL_PUPIL = "pupil_pupil"
    TEACHER_PUPIL = "teacher_pupil"


# A person starts in the form their role most often belongs to; pairing may assign another later
# (a teacher-mentor of a pupil works in «учитель – ученик»).
DEFAULT_FORM: dict[Role, Form] = {
    Role.MENTOR_TEACHER: Form.TEACHER_TEACHER,
    Role.MENTEE_TEACHER: Form.TEACHER_TEACHER,
    Role.MENTOR_PUPIL: Form.PUPIL_PUPIL,
    Role.MENTEE_PUPIL: Form.PUPIL_PUPIL,
}


# Who mentors whom in each form (programme document 002): (the mentor's role, the mentee's). A
# pupil mentors only a pupil; a teacher mentors a teacher or a pupil.
SIDES: dict[Form, tuple[Role, Role]] = {
    Form.TEACHER_TEACHER: (Role.MENTOR_TEACHER, Role.MENTEE_TEACHER),
    Form.PUPIL_PUPIL: (Role.MENTOR_PUPIL, Role.MENTEE_PUPIL),
    Form.TEACHER_PUPIL: (Role.MENTOR_TEACHER, Role.MENTEE_PUPIL),
}


class Variant(StrEnum):
    """The variants of each form as the programme documents name them (000, 002, 004); their
    labels are the locales' `variant-…`."""

    EXPERIENCED_YOUNG = "experienced_young"
    LEADER_STRUGGLING = "leader_struggling"
    INNOVATOR_CONSERVATIVE = "innovator_conservative"
    SUBJECT_EXPERT = "subject_expert"
    CLASS_TEACHER = "class_teacher"
    ACHIEVER_STRUGGLING = "achiever_struggling"
    LEADER_PASSIVE = "leader_passive"
    PEER = "peer"
    ADAPTED_NEWCOMER = "adapted_newcomer"
    TEACHER_UNDERACHIEVER = "underachiever"
    TEACHER_PASSIVE = "passive_pupil"
    TEACHER_GIFTED = "gifted_pupil"
    TEACHER_SPECIAL_NEEDS = "special_needs"


# Programme 002 lists these variants of «учитель – ученик»: «учитель – неуспевающий ученик»,
# «– пассивный ученик», «– одарённый ученик», «– ребёнок с ОВЗ / ребёнок-инвалид». A curator picks
# one of them for a teacher–pupil pair (the pupil's request suggests which, content/profile.yaml).
TEACHER_PUPIL_VARIANTS: tuple[Variant, ...] = (
    Variant.TEACHER_UNDERACHIEVER, Variant.TEACHER_PASSIVE, Variant.TEACHER_GIFTED,
    Variant.TEACHER_SPECIAL_NEEDS)
