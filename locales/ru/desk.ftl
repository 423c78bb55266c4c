## The curator's desk: summary filters, who has not answered, charts.

desk-all-schools = все школы ({ $count })
desk-all-forms = Все формы
desk-form = Форма: { $form }
desk-button-laggards = 👥 Кто не прошёл: { $title }
desk-period-year = Учебный год
desk-period-30 = 30 дней
desk-period-7 = 7 дней
desk-chart-deficits = 📊 Дефициты
desk-chart-satisfaction = 📊 Удовлетворённость
desk-chart-meetings = 📊 Встречи
desk-button-schools = 🏫 Школа
desk-laggards = <b>Не прошли «{ $title }»</b>: { $count }
desk-laggard-started = начал(а), не закончил(а)
desk-and-more = …и ещё { $count }
chart-drawing = Рисую график…
chart-empty = Пока нет данных
chart-deficits-title = Дефициты наставляемых (последняя диагностика, { $count } чел.)
chart-deficits-axis = Доля наставляемых с затруднениями, %
chart-satisfaction-title = Удовлетворённость: распределение оценок
chart-score-axis = Оценка (1–10)
chart-count-axis = Количество
chart-meetings-title = Встречи по неделям
chart-week-axis = Неделя (понедельник)
