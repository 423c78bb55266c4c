## Commands (Telegram menu)
cmd-start = Start or continue
cmd-surveys = Programme questionnaires
cmd-profile = My profile
cmd-language = Language / Язык
cmd-help = What the bot does
cmd-cancel = Stop the current action
cmd-pair = My pairs and partners
cmd-plan = The pair's individual plan
cmd-meet = Propose a meeting
cmd-meetings = My meetings
cmd-report = Mentor's report
cmd-summary = Summary and programme indicators
cmd-export = Export to Excel or CSV
cmd-remind = Remind about a questionnaire
cmd-broadcast = Announcement to participants
cmd-invites = Invitations to the school
cmd-confirm = Confirm participants
cmd-curators = The school's curators
cmd-match = Pair suggestions
cmd-pairs = The school's pairs
cmd-calendar = Programme calendar
cmd-settings = Reminders
cmd-invite = Invite a pupil into a pair (pupil mentors)
cmd-join = Join with an invitation code
cmd-mydata = All my data the bot keeps
cmd-delete_me = Withdraw consent and delete my data
mydata-caption = Everything the bot keeps about you: profile, roles, consent, questionnaire answers, pairs, meetings and plans. Nobody else's data is in it, only the names of those you chose yourself in questionnaires.
mydata-json-caption = The same in machine-readable form (JSON), for moving the data to another system, say.
mydata-file = my-data
mydata-title = What the bot keeps about you
mydata-messenger-id = { $messenger } ID
mydata-username = Username
mydata-language = Language
language-name-ru = Russian
language-name-en = English
mydata-time-zone = Time zone
mydata-registered = Registered
mydata-consent = Consent to data processing given
mydata-role = Role
mydata-role-confirmed = confirmed by the curator { $date }
mydata-role-unconfirmed = waiting for the curator's confirmation
mydata-role-inactive = { $role } (given up)
mydata-questionnaires = Questionnaires
mydata-completed = completed { $date }
mydata-in-progress = not finished
mydata-skipped = skipped
mydata-none = none
mydata-pairs = Pairs and meetings
mydata-pair = Pair { $form } ({ $status }), you are the { $side }; from { $since } to { $until }
mydata-side-mentor = mentor
mydata-side-mentee = mentee
mydata-meeting = Meeting { $when } ({ $status }): { $topic }, { $place }
mydata-mentor-note = Mentor's note
mydata-plan-item = Plan item: { $goal }, due { $due }
mydata-rights = Curator / coordinator rights
mydata-curates-school = Curator of the school “{ $name }” since { $since }
mydata-coordinates-municipality = Coordinator of the municipality “{ $name }” since { $since }

## Main menu
menu-surveys = 📋 Questionnaires
menu-profile = 👤 Profile
menu-language = 🌐 Language
menu-help = ❓ Help
menu-shown = Main menu — buttons at the bottom of the screen.
welcome-back = Welcome back! Main menu — buttons at the bottom of the screen.
unknown-input = I did not understand that. Pick an action from the menu or send /help.

## Welcome and consent
welcome =
    Hello! This is the bot of our school's mentoring programme (the target model of mentoring).
    Mentors and mentees — teachers and pupils — fill in the programme's questionnaires here: the diagnosis of professional deficits, preferences for a mentor, and satisfaction with the work. Later the bot will remind you of meetings and deadlines.
consent-text =
    <b>Consent to personal-data processing</b>
    To take part we need your consent. We store: your Telegram ID, full name, school, role in the programme, profile data (subjects, experience, grade) and your questionnaire answers.
    Why: so that the programme curator can form mentoring pairs and evaluate the results. Only the programme's curators (your school's and the regional mentoring centre's) and, for your pair, your mentor or mentee see the data.
    A pupil may give a parent's (legal representative's) contact: the school needs it to reach the family about the programme, and only the programme's curators see it — not the mentor or mentee.
    Nothing is stored before you agree.
button-consent-agree = ✅ I agree
button-consent-decline = ✖️ I do not agree
consent-declined = All right, nothing has been stored. If you change your mind, send /start.
consent-thanks = Thank you! Your consent is saved.

## Roles
role-choose = What is your role in the mentoring programme?
role-choose-more = Which other role do you take on?
role-mentor_teacher = Mentor (teacher)
role-mentee_teacher = Mentee (teacher)
role-mentor_pupil = Pupil mentor
role-mentee_pupil = Pupil mentee
role-added = Role “{ $role }” added.
role-already = You already have the role “{ $role }”.

## Profile
profile-title = Participant profile
profile-continue = Let us finish your profile.
profile-ready = Your profile is complete. Now on to the questionnaires.
profile-updated = Profile updated.
profile-roles = Roles: { $roles }
profile-field-full_name = Full name
profile-field-school = School
profile-field-subjects = Subjects
profile-field-experience = Experience, years
profile-field-category = Category
profile-field-mentor_types = Mentor type
profile-field-capacity = Can take mentees
profile-field-grade = Grade
profile-field-help_wanted = Wants help with
profile-field-help_offered = Can help with
profile-field-parent_contact = Parent's contact
profile-field-position = Position
profile-field-key_competences = Key competences
button-edit = ✏️ { $field }
button-add-role = ➕ Add a role

forget-confirm = Withdraw your consent to personal-data processing? We will delete your name, profile, Telegram ID, free-text answers and anything else that identifies you; questionnaire scores stay only anonymously in the school's totals. Your current pairs will end. This cannot be undone.
button-forget-yes = 🗑 Yes, delete my data
button-forget-no = No, keep it
forget-kept = All right, nothing was deleted.
forget-done = Consent withdrawn and your data deleted. To come back, send /start.

## Questionnaires
surveys-title = Programme questionnaires
surveys-none = There are no open questionnaires for your roles now.
curator-start =
    <b>You are a programme curator.</b> Where to start:
    • invite people: a link and a code for each role;
    • confirm those who came without an invitation;
    • match pairs once people have answered the questionnaires;
    • the programme calendar and deadlines;
    • the summary: participation, questionnaires and the programme's figures.
    All curator commands are in /help.
button-curator-summary = 📊 Summary
button-curator-invites = ✉️ Invite people
button-curator-confirm = ✅ Confirm people
button-curator-match = 🤝 Match pairs
button-curator-calendar = 📅 Programme calendar
survey-not-started = ⚪️ { $title } — not started
survey-in-progress = 🟡 { $title } — in progress ({ $answered } answered)
survey-done = 🟢 { $title } — done { $date }
button-survey-start = ▶️ Start: { $title }
button-survey-continue = ⏯ Continue: { $title }
button-survey-again = 🔁 Take again: { $title }
survey-not-open = This questionnaire is not open to you now.
survey-completed = Thank you! The questionnaire “{ $title }” is complete and your answers are saved.
question-progress = Question { $number } of { $total }
current-answer = Current answer: { $answer }
answer-yes = Yes
answer-no = No
button-done = ✔️ Done
button-back = ⬅️ Back
button-skip = Skip ➡️
hint-buttons = Choose an answer with a button.
hint-multiple = Tick the options that apply and press “Done”.
hint-ranked = Choose up to { $max } options in order of preference, then “Done”. Press again to remove.
hint-number = Type a number from { $min } to { $max }.
hint-text = Type your answer as a message (up to { $limit } characters).

## Input errors
error-use-buttons = Please choose an answer with the buttons under the question.
error-not-a-number = A whole number from { $min } to { $max } is needed.
error-out-of-range = The number must be from { $min } to { $max }.
error-too-long = Too long: { $length } characters, the limit is { $limit }. Please shorten it.
error-school-locked = You are in a pair at another school. You can change the school once the curator has ended the pair; /cancel keeps it as it is.
error-empty = The answer is empty. Please type some text.
error-not-text = Please answer with text or a button.
error-unknown-command = There is no such command. Answer the question or send /cancel to stop.
error-too-many = You can choose at most { $max }. Untick one first.
error-too-few = Choose at least { $min }.
error-not-optional = This question needs an answer.
error-stale = This button no longer works.
error-internal = Something went wrong. Your saved answers are not lost — try again or send /start.
error-database-busy = The database is busy right now and this answer was not saved. Please try again in a minute; everything you answered before is safe.
stale-button = This button is from an older message. Here is the current question.
flow-gone = That question is no longer current. Open the section you need from the menu.
answer-before-question = That message arrived before the question below, so it was not taken as its answer. Please answer the question.
need-start = Please send /start first and agree to the data processing.

## Other
help-text =
    <b>What the bot does</b>
    /start — start or continue registration
    /surveys — programme questionnaires: diagnosis, preferences, satisfaction
    /profile — view and edit your profile, add a role
    /join CODE — join a school or a pair with an invitation code
    /pair — my pairs and partners
    /plan — the pair's individual plan
    /meet — propose a meeting, /meetings — my meetings, /settings — reminders
    /report — the mentor's report (Excel): pairs, meetings, plan, results
    /invite — invite a pupil into a pair (pupil mentors)
    /language — change the language
    /cancel — stop the current action (answers are kept)
    /mydata — all your data the bot keeps (as a file)
    /delete_me — withdraw consent and delete your data
    Every answer is saved at once: you can stop and continue later from the same question.
cancelled = Stopped. Everything you answered is saved — continue from “Questionnaires”.
nothing-to-cancel = There is nothing to stop.
cancelled-unregistered = All right. To begin, send /start.
language-choose = Choose your language / Выберите язык:
language-set = Done, I speak English now.
language-set-unregistered = Done. I will remember the language once you agree in /start.

## Schools, curators, invitations
curator-only = This command is for the programme curator.
curator-no-schools = You are a curator, but there are no schools yet: they appear when participants name their school. A regional curator can add one: /municipalities → "➕ School".
curator-pick-school = Choose a school:
curator-pick-school-page = Choose a school (page { $page } of { $pages }):
invite-pick-role = Invitation to “{ $school }”. For which role?
invite-created =
    <b>Invitation: { $school }, { $role }</b>
    Link: { $link }
    Printable code: <code>{ $code }</code> (to type in the bot: /join { $code })
    Valid for { $days } days, for any number of participants.
button-make-curator = 👑 Make curator: { $name }
curators-list =
    <b>Curators of “{ $school }”</b>
    { $names }
    Remove a curator or appoint a new one with the buttons below. A confirmed teacher of the school can be appointed.
curator-granted = Curator appointed.
curator-already = This person is already a curator of the school.
button-revoke-curator = ✖️ Remove curator: { $name }
button-revoke-curator-sure = ✖️ Yes, remove
curator-revoke-confirm = Take { $name }'s curator rights for «{ $school }» back? They stay in the programme; their curator commands go.
curator-revoked = The curator's rights are taken back.
curator-revoked-notice = You are no longer a curator of «{ $school }»: its curator commands are no longer yours.
confirm-none = Nobody in “{ $school }” is waiting for confirmation.
confirm-list = Waiting for confirmation in “{ $school }”: { $count }. Press to confirm:
button-confirm-member = ✅ { $name } — { $role }
member-confirmed = Confirmed.
invite-joined = You are in the programme of “{ $school }” as “{ $role }”.
invite-problem-unknown = There is no such invitation code. Check the code or ask the curator for a new one.
invite-problem-expired = This invitation has expired. Ask the curator for a new one.
invite-problem-used = This invitation has already been used. Ask for a new one.
invite-problem-own = This is your own invitation — send it to another pupil.
join-usage = Type the invitation code after the command, for example: /join ABCD-EFGH
help-curator =
    <b>For the curator</b>
    /invites — invitation links to the school for each role
    /confirm — confirm participants who came without an invitation
    /curators — the school's curators, appoint a new one or remove one
    /municipalities — the region's municipalities and their coordinators (for the regional curator)
    /match — pair suggestions, /pairs — the school's pairs
    /calendar — the programme calendar and deadlines
    /summary — summary, indicators, charts; filters as buttons (period: /summary 2026-09-01 2026-12-31)
    /export — an Excel export (/export csv for CSV)
    /remind — remind those who have not completed a questionnaire
    /broadcast — an announcement to participants (role, form, school)

## Pairs
outbox-late-note = ⏰ This message is late: the bot was unavailable.
area-area_methods = teaching forms and methods
area-area_technologies = teaching technologies
area-area_assessment = assessing learning outcomes
area-area_control = monitoring and grading, electronic records
area-area_programmes = work programmes
area-area_parents = contact with pupils and parents
area-area_colleagues = contact with colleagues
area-area_safety = pupils' safety and health
form-teacher_teacher = teacher – teacher
form-pupil_pupil = pupil – pupil
form-teacher_pupil = teacher – pupil
variant-experienced_young = experienced teacher – young specialist
variant-leader_struggling = community leader – teacher with difficulties
variant-innovator_conservative = innovative teacher – conservative teacher
variant-subject_expert = experienced subject teacher – inexperienced one
variant-class_teacher = experienced class teacher – young specialist
variant-achiever_struggling = high achiever – struggling pupil
variant-leader_passive = leader – passive pupil
variant-peer = peer to peer
variant-adapted_newcomer = settled – newcomer
pair-status-proposed = awaiting consent
pair-status-active = active
pair-status-completed = completed
pair-status-cancelled = cancelled
match-none = There are no unpaired mentees among the confirmed participants of “{ $school }”.
match-summary =
    <b>Pair suggestions: { $school } ({ $form })</b>
    Unpaired mentees: { $mentees }, free mentor places: { $places }.
    Pairs suggested: { $suggested } (the optimal assignment by total score within the places). Showing the first { $shown }.
match-suggestion =
    <b>{ $mentee }</b> ← mentor <b>{ $mentor }</b> · { $score } points
    { $reasons }
match-reason-covers-deficits = covers weak areas: { $areas }
match-reason-same-subject = same subject: { $subjects }
match-reason-mentee-prefers = the mentee chose this mentor (rank { $rank })
match-reason-mentor-prefers = the mentor named this mentee
match-reason-mutual-preference = mutual choice
match-reason-free-places = the mentor's free places: { $free }
match-unmatched = No suggestion (not enough places): { $count } — { $names }
match-no-places = No mentor has a free place.
match-choose = A mentor for “{ $mentee }”:
match-proposed = Proposal sent: { $mentee } ← { $mentor }. The pair starts when both agree.
button-match-accept = ✅ Accept
button-match-choose = ✋ Choose by hand
button-match-mentor = { $name } (places: { $free })
button-match-choose-for = Find a mentor: { $name }
match-pick-form = Pair suggestions in “{ $school }”: which form of mentoring?
match-pick-variant =
    Variant of the “teacher – pupil” pair: { $mentee } ← { $mentor }.
    { $usual ->
        [none] Choose the variant.
       *[other] The pupil's request suggests “{ $usual }” (marked ⭐); you may choose another.
    }
match-reason-meets-requests = meets the pupil's request: { $requests }
match-reason-teaches-grade = teaches grade { $grade } subjects
button-match-variant-usual = ⭐ { $variant }
button-group-add = ➕ Add a pupil to the group
group-choose = Whom to add to the group { $pair }? The mentor's free places: { $free }.
group-no-pupils = Nobody to add to the group { $pair }: the school has no other confirmed pupil mentees without a “teacher – pupil” pair. Confirm a pupil the school has not confirmed yet with /confirm.
group-pupil-added = { $name } is in the group { $pair }. The bot asks the pupil, and the mentor again, to agree; the group starts when everybody has.
group-changed = The group has changed; it is now: { $pair }. It starts when all its members agree.
group-left-curator = { $name } declined to join the group; the group goes on: { $pair }.
group-left-ask-reason = Understood, you will not be in this group. Briefly write why — only the curator will see it (or /cancel).
variant-underachiever = teacher – underachieving pupil
variant-passive_pupil = teacher – passive pupil
variant-gifted_pupil = teacher – gifted pupil
variant-special_needs = teacher – child with disabilities or special needs
pair-proposed =
    <b>The curator proposes a mentoring pair</b>
    Mentor: { $mentor }
    { $count ->
        [1] Mentee
       *[other] Mentees
    }: { $mentees }
    Form: { $form }; variant: { $variant }
    A pair is only formed with both sides' consent. Do you agree?
pair-proposed-pupil =
    <b>The curator proposes a mentoring pair</b>
    Mentor: { $mentor }
    { $count ->
        [1] Mentee
       *[other] Mentees
    }: { $mentees }
    Form: { $form }
    A pair is only formed with both sides' consent. Do you agree?
button-pair-agree = ✅ I agree
button-pair-decline = ✖️ Decline
pair-waiting = Thank you! Waiting for the other side to agree.
pair-started =
    <b>Your pair has started!</b>
    Partner: { $partners }
    Planned end: { $end }. Individual plan — /plan, your pairs — /pair.
pair-waiting-group = Thank you! Waiting for the group's other members to agree.
pair-started-group =
    <b>Your group has started!</b>
    Members: { $partners }
    Planned end: { $end }. Individual plan — /plan, your pairs — /pair.
pair-started-curator = A pair has started: { $pair } ({ $form }).
pair-declined-ask-reason = Understood, the pair will not go ahead. Please write the reason briefly — only the curator will see it (or /cancel).
pair-reason-hint = Write the reason as text or send /cancel.
pair-reason-sent = Thank you, the reason has been passed to the curator.
pair-cancelled-partner = { $name } declined the pair. The curator will find another option.
pair-partner-left = Your partner has left the programme, and the pair is cancelled. The curator will find another match.
pair-meetings-cancelled = The pair's planned meetings are cancelled, and there will be no reminders for them: { $meetings }.
pair-left-curator = A pair is cancelled: a participant left the programme and deleted their data. Left without a pair: { $partners }; a new match is needed. { $meetings ->
        [0] No meetings were planned.
       *[other] Planned meetings cancelled: { $meetings }.
    }
pair-declined-curator = { $name } declined the pair: { $pair }.
pair-decline-reason-curator = Reason for declining ({ $name }, pair { $pair }): { $reason }
pairs-none = You have no pairs yet.
pair-card-title = <b>Pair ({ $form })</b> — { $status }
pair-side-mentor = Mentor: { $name }
pair-side-mentee = Mentee: { $name }
pair-title = { $mentor } → { $mentees }
pair-partner = { $name } ({ $contact })
contact-username = @{ $username }
contact-link = <a href="tg://user?id={ $id }">{ $name }</a>
# A person in the other messenger (or in MAX, which has no link to a person): words, no link.
contact-max-username = @{ $username } (in MAX)
contact-max = { $name } (in MAX)
contact-telegram-username = @{ $username } (in Telegram)
contact-telegram = { $name } (in Telegram)
pair-card-dates = From { $start } to { $end }
school-pairs-none = There are no current pairs in “{ $school }”.
school-pair = { $pair } — { $status }
button-pair-end = 🏁 End
button-pair-reassign = 🔄 Reassign
pair-ended = Your pair's work is complete. Please fill in the final questionnaires:
pair-ended-curator = Pair ended: { $pair }. The final questionnaires were sent to its members.
pair-reassigned = The curator is reassigning your pair. A new proposal will follow.
pair-reassign-curator = Pair cancelled for reassignment: { $pair }.
pair-invite-mentors-only = Only pupil mentors can invite into a pair. Add this role in /profile.
pair-invite-needs-school = Please complete your profile with your school first: /start
pair-invite-unconfirmed = You can invite into a pair once your school's curator has confirmed you as a pupil mentor (/join CODE from the curator's invitation, or a confirmation in the bot).
invite-problem-unconfirmed = A pair invitation can be accepted by a pupil mentee whom this school's curator has already confirmed. Ask the curator for an invitation into the school (/join CODE) or wait for the confirmation, then open the link again: it is valid for 48 hours.
invite-problem-paired = You are in a pair at another school. You can move to the new school once the curator has ended that pair.
pair-invite-created =
    <b>Invitation into a pair</b>
    Send this link to a classmate: { $link }
    Or read out the code: <code>{ $code }</code> (in the bot: /join { $code })
    The link works once and for { $hours } hours.
pair-invite-offer = { $name } invites you into a pupil – pupil pair. Do you agree?
pair-invite-newcomer = This is an invitation into a pupil – pupil pair. You can accept it once the school's curator confirms you as a pupil mentee: the bot took your role and school from the invitation. Meanwhile, fill in a short profile. After the confirmation open the link again: it is valid for { $hours } hours.
pair-invite-refused = All right, you are not in a pair. The link works until it expires.
invite-problem-pupils-only = This is a pupil's invitation into a pair — only a pupil can accept it.
button-pair-cancel = ✖️ Cancel the pair
pair-cancelled-by-curator = The curator has cancelled your pair.
pair-cancelled-curator = Pair cancelled: { $pair }.
link-need-start = Please send /start to the bot in a private chat first, so that I know who you are.
link-no-pair = You have no current pair to bind to this chat.
link-not-all-here = Add every member of the pair to this group first: a pair can be bound only to a chat that all its members are in.
link-pick = Which pair should this chat be bound to?
link-done = This chat is bound to the pair { $pair }. The pair's reminders and notices will come here too.
group-max-needs-admin = To see /link and bind this chat to a pair, I need to be an admin of the chat allowed to «Read all messages»: without it MAX does not pass the group's messages to bots.
pair-chat-ended = The pair { $pair } has completed its work. Thank you!
pair-chat-cancelled = The pair { $pair } was cancelled by the curator.

## Individual plan
plan-no-pair = The individual plan appears once a pair has started. Your pairs — /pair.
plan-title = <b>Individual plan</b> · { $pair }
plan-page = Page { $page } of { $pages }
plan-empty = No items yet.
plan-area-goal = Overcome difficulties: { $area }
plan-due = { " " }— by { $date }
button-plan-done = ✅ { $n }
button-plan-undo = ↩️ { $n }
button-plan-delete = 🗑 { $n }
button-plan-add = ➕ Add an item
plan-ask-goal = Write the goal of the new item (up to { $limit } characters).
plan-ask-due = Due date: like 15.12 or 15.12.2026, or “-” for none.
plan-bad-date = I did not understand the date. Write, for example, 15.12 or 15.12.2026, or “-” for none.
school-pair-details = Until { $end } · order { $order } of { $order_date }
button-pair-order = 📄 Order
button-pair-until = 📅 End date
pair-ask-order = Type the order's number and date, for example: 12-O of 01.09.2026
pair-ask-until = Planned end date (one month to one school year from the start), for example 31.05.2027
pair-bad-order = I did not understand. Type the number and date, for example: 12-O of 01.09.2026
pair-bad-end = A pair works from one month to one school year. Please type another date.
pair-order-saved = Order { $order } of { $date } saved.
pair-end-saved = Planned end: { $date }.

## Meetings
meet-no-pair = You can arrange a meeting once your pair has started. Your pairs — /pair.
meet-pick-pair = Who is the meeting with?
meet-pick-day = Choose the day of the meeting:
meet-pick-time = { $day }: choose a time or type it, for example 15:30.
meet-bad-time = Type the time like this: 15:30.
meet-in-past = That time has already passed. Choose another.
meet-ask-place = Where is the meeting? A room, an address or a link (up to { $limit } characters).
meet-ask-topic = What is the topic (up to { $limit } characters)?
meet-ask-model = Interaction model:
meet-ask-repeat = How long is the meeting (an hour unless you pick another) and does it repeat? Pick the length, then the repeat, and the proposal is sent.
meet-length = { $minutes } min
model-tell_listen = “I tell, you listen”
model-show_watch = “I show, you watch”
model-together = “Let's do it together”
model-do_hint = “You do it, I'll give hints”
model-do_tell = “You do it, then tell me what you did”
repeat-once = Once
repeat-weekly = Every week
repeat-biweekly = Every two weeks
meet-sent = The proposal is sent to your partner. I will tell you as soon as the answer comes.
meet-proposed =
    <b>{ $name } proposes a meeting</b>
    When: { $when }
    Where: { $place }
    Topic: { $topic }
    Model: { $model }; { $repeat }
meet-counter-proposed =
    <b>{ $name } proposes another time</b>: a counter-proposal to the meeting on { $original }
    When: { $when }
    Where: { $place }
    Topic: { $topic }
    Model: { $model }; { $repeat }
button-meet-accept = ✅ Accept
button-meet-decline = ✖️ Decline
button-meet-other = 🔄 Another time
meet-accepted = The meeting is in the calendar. I will remind you beforehand.
meet-accepted-proposer = { $name } accepted the meeting on { $when }: { $topic }.
meet-declined-proposer = { $name } cannot meet on { $when } ({ $topic }).
meet-declined = All right, the meeting is declined.
meeting-reminder =
    ⏰ <b>Meeting reminder</b>
    When: { $when }
    Where: { $place }
    Topic: { $topic }
button-meet-ok = 👍 I'll be there
button-meet-move = 🔄 Reschedule
meet-see-you = See you there!
meet-moved-partner = { $name } asks to move the meeting on { $when } ({ $topic }). A new proposal will follow.
meeting-followup-mentor = Did the meeting on { $when } ({ $topic }) take place?
meeting-nudge = A reminder: did the meeting on { $when } ({ $topic }) take place? Until you answer, the curator's summary counts it as unknown.
meeting-followup-mentee = How was the meeting on { $when } ({ $topic })? Rate it from 1 to 5.
button-rate = { $score }
meet-ask-note = Briefly: what did you do at the meeting? (up to { $limit } characters) It goes into your mentor's report; you and the school's curator see it, the mentee does not.
meet-not-held = Noted that the meeting did not take place. Arrange a new one: /meet
meet-note-saved = Saved. Thank you!
meet-rated = Thank you for the rating!
meetings-none = No meetings yet. Propose one: /meet
meetings-upcoming = <b>Upcoming meetings</b>
meetings-past = <b>Past meetings</b>
meeting-status-proposed = awaiting an answer
meeting-status-accepted = agreed
meeting-status-declined = declined
meeting-status-cancelled = cancelled
meeting-counter-to = a counter-proposal to the meeting on { $when }
remind-1440 = A day before
remind-60 = An hour before
remind-off = 🔕 Turn meeting reminders off
settings-reminders = When should I remind you of meetings, and which time zone are you in? Changes apply to new meetings.
settings-saved = Saved.

## Programme calendar, deadlines, warnings
calendar-title = <b>Programme calendar: { $school }</b>
calendar-none = No calendar chosen. Pick a ready one — its dates move to the current school year.
calendar-chosen = { $title } (shift: { $shift } days)
calendar-saved = Saved.
button-calendar-shift = { $days } d
deadline-reminder =
    📅 <b>Due: { $due }</b>
    { $event }
    Please fill in the questionnaire — it takes a few minutes.
button-deadline-open = ▶️ Fill in the questionnaire
deadline-digest =
    ⌛ <b>Overdue: { $event }</b> (due { $due })
    Not done: { $count } — { $names }
warning-quiet-pair = ⚠️ The pair { $pair } has had no meetings for { $days } days. The mentoring may have become a formality.
warning-unreachable = ⚠️ { $name } blocked the bot: reminders do not reach this person.
warning-no-reaction = ⚠️ Pair { $pair }: nobody answered the bot's reminders and questions after the meeting on { $when }.
zone-kaliningrad = Kaliningrad (MSK−1)
zone-moscow = Moscow (MSK)
zone-samara = Samara (MSK+1)
zone-yekaterinburg = Yekaterinburg (MSK+2)
zone-omsk = Omsk (MSK+3)
zone-krasnoyarsk = Krasnoyarsk (MSK+4)
zone-irkutsk = Irkutsk (MSK+5)
zone-yakutsk = Yakutsk (MSK+6)
zone-vladivostok = Vladivostok (MSK+7)
zone-magadan = Magadan (MSK+8)
zone-kamchatka = Kamchatka (MSK+9)

## Curator's summary
summary-bad-period = Give the period as two dates: /summary 2026-09-01 2026-12-31
summary-title = 📊 <b>Summary: { $school }</b> · { $since } – { $until }
summary-people = Participants in the period: mentor teachers { $mentor-teacher }, mentee teachers { $mentee-teacher }, pupil mentors { $mentor-pupil }, pupil mentees { $mentee-pupil }
summary-pairs = Pairs in the period (their state at its end):
summary-questionnaires = <b>Questionnaires</b> (done / started / not started):
summary-completion = • { $title }: { $done } / { $started } / { $not_started }
summary-satisfaction = <b>{ $title }</b> (average, share 8+):
summary-item = • { $item }…: { $average } ({ $high }%, { $count } answers)
summary-deficits = Frequent deficits: { $areas }
summary-meetings = Meetings in the period: { $held } held, { $unknown } unknown (the mentor did not answer), per active pair: { $per_pair }
summary-unreachable = Blocked the bot (now): { $count }
summary-kpi = <b>Programme indicators</b> (section 3.2, for the period):
kpi-young_involved = { $mark } Young specialists involved: { $done } of { $total } ({ $percent }), target { $target }%
kpi-teachers_involved = { $mark } Teachers involved: { $done } of { $total } ({ $percent }), target { $target }%
kpi-young_retained = { $mark } Young specialists still working: { $done } of { $total } ({ $percent }), target { $target }%
kpi-deficits_improved = { $mark } Deficits improved: { $done } of { $total } ({ $percent }), target { $target }%
