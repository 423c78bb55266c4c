## The curator's desk: summary filters, who has not answered, charts.

desk-all-schools = all schools ({ $count })
desk-all-forms = All forms
desk-form = Form: { $form }
desk-button-laggards = 👥 Not completed: { $title }
desk-period-year = School year
desk-period-30 = 30 days
desk-period-7 = 7 days
desk-chart-deficits = 📊 Deficits
desk-chart-satisfaction = 📊 Satisfaction
desk-chart-meetings = 📊 Meetings
desk-button-schools = 🏫 School
desk-laggards = <b>Have not completed “{ $title }”</b>: { $count }
desk-laggard-started = started, not finished
desk-and-more = …and { $count } more
chart-drawing = Drawing the chart…
chart-empty = No data yet
chart-deficits-title = Mentees' deficits (latest diagnosis, { $count } people)
chart-deficits-axis = Share of mentees with difficulties, %
chart-satisfaction-title = Satisfaction: distribution of scores
chart-score-axis = Score (1–10)
chart-count-axis = Count
chart-meetings-title = Meetings per week
chart-week-axis = Week (Monday)
