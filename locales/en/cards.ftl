## Drill-down cards: one pair, one person, a mentee's progress.

card-pair-title = <b>{ $pair }</b> — { $status }
card-pair-facts = { $school } · { $form } · variant: { $variant }
    From { $start } to { $end } · order { $order }
card-consent-agreed = ✓ { $name } agreed
card-consent-declined = ✗ { $name } declined
card-consent-waiting = … { $name } has not answered yet
card-plan = <b>Plan</b>: { $done } of { $total } done
card-meetings = <b>Meetings</b>: { $held } held, { $upcoming } ahead, { $missed } did not take place
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
