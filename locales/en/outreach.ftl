## /remind and /broadcast: a curator reaching many people through the outbox.

outreach-remind-pick = Which questionnaire should I remind about? Only those who have not completed it get the reminder.
outreach-remind-unknown = There is no such questionnaire. Pick one:
outreach-remind-nobody = Everyone the questionnaire “{ $title }” is meant for has completed it. Nobody to remind.
outreach-remind-confirm = Remind about “{ $title }”: { $count } people ({ $where }).
outreach-button-remind = 🔔 Remind ({ $count })
desk-button-remind = 🔔 Remind them
outreach-queued = Queued: { $count }. Messages go out within Telegram's limits and outside quiet hours; a delivery report comes here when all are sent.
outreach-skipped = { $count } more have already received this message — not sending it again.
outreach-button-status = 📬 Delivery status
outreach-status = { $total } in all: { $delivered } delivered, { $unreachable } unreachable, { $failed } failed, { $waiting } waiting.
outreach-already = This has been sent already: { $total } recipients, { $delivered } delivered, { $waiting } waiting.
outreach-kind-remind = Questionnaire reminder
outreach-kind-broadcast = Announcement
outreach-report = 📬 { $what }: { $total } sent. Delivered: { $delivered }. Unreachable (blocked the bot): { $unreachable }. Failed: { $failed }.
outreach-remind = 🔔 The mentoring programme's curator reminds you: please complete the questionnaire “{ $title }”. It takes a few minutes.
outreach-broadcast = 📢 <b>Announcement from the curator</b>
    { $text }
broadcast-audience = <b>Announcement</b>: who gets it?
    { $where } · { $role }
    Recipients: { $count }
broadcast-all-roles = All roles
broadcast-button-write = ✍️ Write the text
broadcast-ask-text = Write the announcement in one message (up to { $limit } characters). I'll show a preview before sending. Cancel: /cancel.
broadcast-text-hint = Send the announcement's text in one message. Cancel: /cancel.
broadcast-too-long = Too long: { $length } characters, the limit is { $limit }. Shorten it and send again.
broadcast-preview = This is how { $count } people ({ $where }) will see it:
broadcast-button-send = 📢 Send ({ $count })
broadcast-button-rewrite = ✏️ Change the text
broadcast-button-cancel = ✖️ Cancel
broadcast-cancelled = Announcement cancelled, nothing was sent.
