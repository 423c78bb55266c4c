## Exports of the bases, pairs, meetings, plans and questionnaires (XLSX or a ZIP of CSV files):
## sheet and column names. Excel sheet names: at most 31 characters, none of [ ] : * ? / \

export-sheet-mentors = Mentors
export-sheet-mentees = Mentees
export-sheet-pairs = Pairs
export-sheet-meetings = Meetings
export-sheet-plans = Individual plans
export-sheet-results = Results

export-col-name = Full name
export-col-role = Role
export-col-school = School
export-col-form = Form
export-col-contact = Contact
export-col-messenger = Messenger
export-col-parent-contact = Parent's (legal representative's) contact
export-col-workplace = Place of work (study), position
export-col-competences = Key competences
export-col-experience = Experience, years
export-col-mentor-types = Mentor types
export-col-mentees = Mentees
export-col-dates = Dates
export-col-results = Results
export-col-confirmed = Confirmed
export-col-grade-or-experience = Grade / experience and category
export-col-request = Request
export-col-entered = Date of entry
export-col-mentor = Mentor
export-col-completed = Date of completion
export-col-pair = Pair no.
export-col-variant = Variant
export-col-status = Status
export-col-start = Start
export-col-planned-end = Planned end
export-col-end = End
export-col-order-number = Order no.
export-col-order-date = Order date
export-col-meetings-held = Meetings held in the period
export-col-meetings-unknown = Meetings the mentor did not log
export-col-plan-done = Plan items done
export-col-plan-total = Plan items in total
export-col-when = Date and time
export-col-minutes = Minutes
export-col-place = Place
export-col-topic = Topic
export-col-model = Model
export-col-held = Took place
export-col-note = Mentor's note
export-col-rating = Mentee's rating
export-col-counter-to = Counter-proposal to the meeting of
export-col-number = No.
export-col-goal = Goal
export-col-area = Area
export-col-due = Due
export-col-done = Done
export-col-started = Started
export-col-finished = Completed
export-col-mentee = Mentee
export-col-before = Before
export-col-after = After

export-meeting-status-proposed = awaiting an answer
export-meeting-status-accepted = agreed
export-meeting-status-declined = declined
export-meeting-status-cancelled = cancelled
export-held-unknown = unknown
export-position-teacher = teacher
export-position-teacher-subjects = teacher ({ $subjects })
export-position-pupil = pupil
export-position-pupil-grade = pupil, grade { $grade }
export-grade = grade { $grade }
export-experience = { $years } { $years ->
    [one] year
   *[other] years
} of experience
export-pairs-result = { $done } of { $total } completed
export-satisfaction-result = satisfaction { $score }

# The messenger a person uses the bot in (the export's column).
messenger-telegram = Telegram
messenger-max = MAX
