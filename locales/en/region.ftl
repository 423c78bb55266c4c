## Region, municipalities, coordinators; comparing municipalities and schools.
region-only = This command is for the regional curator.
button-curator-municipalities = 🏛 Municipalities
region-title = <b>Municipalities of the region: { $count }</b>
region-line = • { $name }: { $schools } schools, { $coordinators } coordinators
region-loose-schools = Schools outside any municipality: { $count }. Open a municipality to add schools to it, invite or remove a coordinator.
button-region-new = ➕ New municipality
button-region-new-school = ➕ School
school-ask-name = Type the school's name ({ $least } to { $most } characters) as participants will write it, e.g. "School No. 1". Then /invites makes invitations into it. To cancel: /cancel.
school-added = School "{ $name }" added. Invitations into it: /invites.
school-exists = School "{ $name }" exists already. Invitations into it: /invites.
school-name-hint = Type the school's name as text (up to { $limit } characters), or cancel with /cancel.
button-region-back = ⬅️ All municipalities
municipality-ask-name = Type the municipality's name ({ $least } to { $most } characters), e.g. "Ensk urban district". To cancel: /cancel.
municipality-name-hint = Type the municipality's name as text (up to { $limit } characters), or cancel with /cancel.
municipality-exists = The municipality "{ $name }" exists already. Type another name, or cancel with /cancel.
municipality-created = Municipality "{ $name }" created.
municipality-card =
    <b>{ $name }</b>
    <b>Schools</b>
    { $schools }
    <b>Coordinators</b>
    { $coordinators }
    A coordinator sees and runs every school of the municipality: summary, exports, invitations, pairs, school curators.
button-municipality-place = 🏫 Add a school
button-municipality-invite = ✉️ Invite a coordinator
button-remove-coordinator = ✖️ Remove coordinator: { $name }
municipality-pick-school = Which school goes into "{ $name }"? (page { $page } of { $pages }) A school of another municipality moves here.
button-place-school-moving = { $school } (now: { $municipality })
municipality-nothing-to-place = No other schools: every school is in "{ $name }" already.
municipality-school-placed = School "{ $school }" is now in the municipality "{ $name }".
coordinator-invite-created =
    <b>Coordinator's invitation: { $municipality }</b>
    Link: { $link }
    Code: <code>{ $code }</code> (in the bot: /join { $code })
    For one person, valid for { $days } days. Send it to the future coordinator in person.
coordinator-joined = You coordinate the municipality "{ $name }": all its schools are yours to see — the summary (/summary), comparing schools, exports, invitations, pairs, school curators. Commands are in the menu and in /help.
coordinator-already = You already coordinate the municipality "{ $name }".
coordinator-remove-confirm = Take away { $name }'s rights as coordinator of "{ $municipality }"? Their curator commands for this municipality's schools will go.
coordinator-removed = Coordinator removed.
coordinator-removed-notice = You no longer coordinate the municipality "{ $municipality }": its schools are no longer yours to see.
desk-municipality = { $name } ({ $count } schools)
desk-button-municipality = 🏛 { $name }
desk-button-whole-region = ⬅️ All my schools
desk-button-compare = ⚖️ Compare
compare-nothing-schools = { $count ->
    [0] Nothing to compare: this selection has no school.
   *[other] Nothing to compare: this selection has one school.
}
compare-nothing-municipalities = Nothing to compare: the region has one municipality and no schools outside it. Its schools are compared in that municipality's summary.
compare-too-many = Too many schools to compare at once ({ $count }, up to { $most }): pick a municipality under «🏫 School», or create municipalities in /municipalities.
compare-too-many-curator = Too many schools to compare at once ({ $count }, up to { $most }): open one school's summary under «🏫 School».
compare-what-municipalities = municipalities
compare-what-schools = schools
compare-no-municipality = Schools outside municipalities
compare-title =
    <b>Comparison: { $what }</b>
    { $place } · { $form } · { $since } – { $until }
compare-targets = Targets of programme 001 (section 3.2): young specialists involved { $young-involved }%, teachers involved { $teachers-involved }%, young specialists staying { $young-retained }%, deficits improved { $deficits-improved }%. ✅ target reached, ⚠️ not.
compare-row =
    <b>{ $number }. { $name }</b>
    participants { $participants } · active pairs { $pairs } · questionnaires completed { $completion } · satisfaction { $satisfaction }
    { $kpis }
compare-kpi = { $name } { $value } { $mark }
compare-kpi-young_involved = Young involved
compare-kpi-teachers_involved = Teachers involved
compare-kpi-young_retained = Young staying
compare-kpi-deficits_improved = Deficits improved
compare-kpi-target = { $name }, % (target { $target }%)
compare-more = …and { $count } more: every row is in the Excel file below.
compare-caption = Comparison: { $what }, for the same period and form as the summary.
compare-file = comparison
compare-file-title = Comparison: { $what }
compare-sheet = Comparison
compare-targets-row = Target, %
compare-column-name = Name
compare-column-participants = Participants
compare-column-pairs = Active pairs
compare-column-completion = Questionnaires completed, %
compare-column-satisfaction = Satisfaction (1–10)
compare-chart-title = Comparison: { $what }
compare-chart-first = (the first { $shown } of { $count })
