"""Every inline button's data, as typed CallbackData (Telegram allows 64 bytes)."""

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from domain.roles import Form, Variant
from services.meetings import MeetingLength

# A number in a button is a database id or a small count. Ids are 64-bit integers, so a larger
# number can only come from a forged button: it does not unpack, and the press is answered as a
# stale one instead of failing in the database.
Int = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


class Consent(CallbackData, prefix="consent"):
    agree: bool
    # The /start payload travels in the button, so nothing is stored before consent.
    payload: str = ""


class PickRole(CallbackData, prefix="role"):
    role: str


class Flow(StrEnum):
    SURVEY = "s"
    PROFILE = "p"


class Act(StrEnum):
    PICK = "pick"
    TOGGLE = "tog"
    DONE = "done"
    SKIP = "skip"
    BACK = "back"


class AnswerButton(CallbackData, prefix="ans"):
    """A button under a question; `ref` is the response id (0 for the profile)."""

    flow: Flow
    ref: Int
    question: str
    act: Act
    pick: Int = -1


class OpenSurvey(CallbackData, prefix="survey"):
    code: str
    again: bool = False


class EditProfile(CallbackData, prefix="prof"):
    question: str


class AddRole(CallbackData, prefix="addrole"):
    pass


class Forget(CallbackData, prefix="forget"):
    confirm: bool


class CuratorAction(StrEnum):
    """A curator's command about one school (handlers.curators)."""

    INVITES = "invites"
    CURATORS = "curators"
    CONFIRM = "confirm"
    MATCH = "match"
    PAIRS = "pairs"
    CALENDAR = "calendar"


class PickSchool(CallbackData, prefix="school"):
    """A curator of several schools picks which one a command is about."""

    action: CuratorAction
    school_id: Int


class SchoolPage(CallbackData, prefix="schpg"):
    """Another page of the schools to pick from (PickSchool's choice)."""

    action: CuratorAction
    page: Int


class CuratorShortcut(CallbackData, prefix="cur"):
    """A button on the curator's start screen: the command, as if typed."""

    action: CuratorAction


class NewInvite(CallbackData, prefix="inv"):
    school_id: Int
    role: str


class GrantCurator(CallbackData, prefix="grant"):
    school_id: Int
    user_id: Int


class RevokeCurator(CallbackData, prefix="revoke"):
    """A school curator's rights taken back; asked once more before (sure)."""

    school_id: Int
    user_id: Int
    sure: bool = False


class RegionAct(StrEnum):
    """What a regional curator does in /municipalities (handlers.municipalities)."""

    LIST = "list"
    NEW = "new"
    NEW_SCHOOL = "new_school"
    OPEN = "open"
    PLACE = "place"
    INVITE = "invite"


class RegionButton(CallbackData, prefix="region"):
    """/municipalities: the list, a new one, a municipality's card, the schools to place in it
    (a page of them), a coordinator's invitation."""

    act: RegionAct
    municipality: Int = 0
    page: Int = 0


class PlaceSchool(CallbackData, prefix="place"):
    municipality: Int
    school: Int


class RemoveCoordinator(CallbackData, prefix="uncoord"):
    """A coordinator's rights taken back; asked once more before (sure)."""

    municipality: Int
    user_id: Int
    sure: bool = False


class ConfirmMember(CallbackData, prefix="confirm"):
    role_id: Int


class MatchForm(CallbackData, prefix="mform"):
    """/match in a school with people for several forms: the form whose suggestions to show."""

    school_id: Int
    form: Form


class AcceptMatch(CallbackData, prefix="match"):
    mentee: Int
    mentor: Int
    # The pair this one replaces after «Переназначить», whose form it keeps (0: /match); the
    # form decides whom it may pair (domain.roles.SIDES), and must be one the bot offered
    # (services.pairing.form_to_match).
    replacing: Int = 0
    form: Form = Form.TEACHER_TEACHER
    # A «учитель – ученик» pair's variant, picked by the curator after the mentor (none yet:
    # the choice is shown).
    variant: Variant | None = None


class ChooseMentor(CallbackData, prefix="pick"):
    mentee: Int
    replacing: Int = 0
    form: Form = Form.TEACHER_TEACHER


class GroupPupil(CallbackData, prefix="group"):
    """A further pupil for a proposed «учитель – ученик» pair, making it a group (pupil 0: the
    list of pupils to choose from)."""

    pair: Int
    pupil: Int = 0


class PairReply(CallbackData, prefix="pairok"):
    pair: Int
    agree: bool
    # The group the answer is about (services.pairs.revision): a button sent before a further
    # pupil joined does not count for the bigger group. 0: a button sent before groups existed.
    revision: Int = 0


class PairAct(StrEnum):
    END = "end"
    REASSIGN = "reassign"
    CANCEL = "cancel"
    ORDER = "order"
    UNTIL = "until"


class PairAction(CallbackData, prefix="pairdo"):
    pair: Int
    act: PairAct
    # Ending, cancelling or reassigning a pair asks once more before it happens.
    sure: bool = False


class JoinPair(CallbackData, prefix="joinpair"):
    code: str
    agree: bool


class LinkPair(CallbackData, prefix="link"):
    pair: Int


class PlanTick(CallbackData, prefix="ptick"):
    item: Int


class PlanAdd(CallbackData, prefix="padd"):
    pair: Int


class PlanDelete(CallbackData, prefix="pdel"):
    item: Int


class PlanPage(CallbackData, prefix="ppage"):
    pair: Int
    page: Int


class MeetPair(CallbackData, prefix="mpair"):
    pair: Int


class MeetDay(CallbackData, prefix="mday"):
    day: str  # YYYYMMDD, one of the day picker's days (checked against the days it offered)


class MeetTime(CallbackData, prefix="mtime"):
    at: str  # HHMM


class MeetModel(CallbackData, prefix="mmodel"):
    model: str


class MeetRepeat(CallbackData, prefix="mrep"):
    repeat: str


class MeetLength(CallbackData, prefix="mlen"):
    """The length chosen on the last step of a proposal (beside the repeat buttons)."""

    minutes: MeetingLength


class MeetAnswer(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    OTHER = "other"


class MeetReply(CallbackData, prefix="mrsvp"):
    meeting: Int
    act: MeetAnswer


class ReminderAnswer(StrEnum):
    OK = "ok"
    MOVE = "move"


class MeetReminder(CallbackData, prefix="mrem"):
    meeting: Int
    act: ReminderAnswer


class MeetHeld(CallbackData, prefix="mheld"):
    meeting: Int
    held: bool


class MeetRate(CallbackData, prefix="mrate"):
    meeting: Int
    score: Int


class ReminderSetting(CallbackData, prefix="remset"):
    minutes: Int  # 0 turns every reminder off


class PickCalendar(CallbackData, prefix="cal"):
    school_id: Int
    calendar: str


class ShiftCalendar(CallbackData, prefix="calshift"):
    school_id: Int
    days: Int


class SetZone(CallbackData, prefix="zone"):
    zone: str


class SetLanguage(CallbackData, prefix="lang"):
    locale: str


class SummaryView(StrEnum):
    SUMMARY = "s"
    LAGGARDS = "l"
    SCHOOLS = "sc"
    CHART_DEFICITS = "cd"
    CHART_SATISFACTION = "cs"
    CHART_MEETINGS = "cm"
    REMIND = "r"
    REMIND_SEND = "rs"
    EXPORT = "x"
    EXPORT_CSV = "xc"
    YEAR_REPORT = "y"
    COMPARE = "cmp"


# The prefix is the summary's old name: buttons already sent in chats carry it.
class SummaryButton(CallbackData, prefix="desk"):
    """A view of the curator's summary with its filters. school 0: every school the curator
    curates, or of the municipality when `municipality` is set; form "" : every form (else a
    short code, see handlers.summary_scope.FORMS); since and until: day ordinals, 0 for the
    school year so far; code: a questionnaire."""

    view: SummaryView
    school: Int = 0
    municipality: Int = 0
    form: str = ""
    since: Int = 0
    until: Int = 0
    code: str = ""
    page: Int = 0


class PairCard(CallbackData, prefix="pcard"):
    pair: Int


class PersonCard(CallbackData, prefix="who"):
    user: Int


class MentorDetail(StrEnum):
    """What a curator may fill in for a teacher mentor (the base of mentors): Profile fields."""

    POSITION = "position"
    KEY_COMPETENCES = "key_competences"


class EditMentorDetail(CallbackData, prefix="mdet"):
    """From a teacher mentor's card: the curator types their position or key competences."""

    user: Int
    detail: MentorDetail


class ProgressChart(CallbackData, prefix="pchart"):
    """One mentee's diagnosis before and after."""

    user: Int


class CampaignStatus(CallbackData, prefix="camp"):
    campaign: Int


class BroadcastField(StrEnum):
    SCHOOL = "s"
    FORM = "f"
    ROLE = "r"


class BroadcastPick(CallbackData, prefix="bpick"):
    field: BroadcastField
    value: str = ""


class BroadcastStep(StrEnum):
    WRITE = "write"
    SEND = "send"
    CANCEL = "cancel"


class BroadcastGo(CallbackData, prefix="bgo"):
    step: BroadcastStep
