## Drill-down cards: one pair, one person, a mentee's progress.

card-pair-title = <b>{ $pair }</b> — { $status }
card-pair-facts = { $school } · { $form } · variant: { $variant }
    From { $start } to { $end } · order { $order }
card-consent-agreed = ✓ { $name } agreed
card-consent-declined = ✗ { $name } declined
card-consent-waiting = … { $name } has not answered yet
card-plan = <b>Plan</b>: { $done } of { $total } done
card-meetings = <b>Meetings</b>: { $held } held, { $upcoming } ahead, { $missed } did not take place, { $unknown } unknown
card-rating = rated { $rating }
card-diagnosis = <b>Diagnosis</b> (sum of difficulties: entry → latest):
card-progress = { $name }: { $before } → { $after }
card-progress-none = { $name }: no diagnosis yet
card-satisfaction = <b>Satisfaction questionnaires</b>: { $done }
card-button-progress = 📈 Before and after: { $name }
card-button-pair = 👥 { $pair } ({ $status })
card-role = { $role } · { $form } · { $school } · confirmed: { $confirmed }
card-unconfirmed = awaiting confirmation
card-experience = { $years } years of experience
card-grade = grade { $grade }
card-contact = Contact: { $contact }
card-unreachable = ⚠️ Blocked the bot on { $date }
card-questionnaires = <b>Questionnaires</b>:
card-survey-done = ✅ { $title } — { $date }
card-survey-in_progress = ⏳ { $title } — started
card-survey-not_started = ▫️ { $title } — not started
card-pairs = <b>Pairs</b>: { $count }
button-pair-card = 🔎 Details
chart-progress-title = { $name }: difficulties before and after
chart-before = Entry diagnosis
chart-after = Latest diagnosis
chart-difficulty-axis = Difficulties (0 none, 3 strong)
pair-confirm-end = End the pair { $pair }? Both get the final questionnaires.
pair-confirm-reassign = Cancel the pair { $pair } and choose another mentor for the mentee?
pair-confirm-cancel = Cancel the pair { $pair }? Both will be told.
button-pair-end-sure = 🏁 Yes, end it
button-pair-reassign-sure = 🔄 Yes, reassign
button-pair-cancel-sure = ✖️ Yes, cancel it

## A teacher mentor's position and key competences (the base of mentors), filled in by a curator
card-mentor-position = Position: { $text }
card-mentor-key_competences = Key competences: { $text }
card-button-mentor-position = ✏️ Position
card-button-mentor-key_competences = ✏️ Key competences
mentor-detail-ask-position = The position of mentor { $name } for the base of mentors (now: { $current }). Type it in one message, up to { $limit } characters, or send /cancel.
mentor-detail-ask-key_competences = The key competences of mentor { $name } for the base of mentors (now: { $current }). Type them in one message, up to { $limit } characters, or send /cancel.
mentor-detail-hint = Please type it as text, up to { $limit } characters, or send /cancel.
mentor-detail-saved-position = Saved. Position of mentor { $name }: { $text }
mentor-detail-saved-key_competences = Saved. Key competences of mentor { $name }: { $text }
