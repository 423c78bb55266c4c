## Drill-down cards: one pair, one person, a mentee's progress.

card-pair-title = <b>{ $pair }</b> — { $status }
card-pair-facts = { $school } · { $form } · вариант: { $variant }
    С { $start } до { $end } · приказ { $order }
card-consent-agreed = ✓ { $name } согласен(на)
card-consent-declined = ✗ { $name } отказался(-ась)
card-consent-waiting = … { $name } ещё не ответил(а)
card-plan = <b>План</b>: выполнено { $done } из { $total }
card-meetings = <b>Встречи</b>: состоялось { $held }, впереди { $upcoming }, не состоялось { $missed }
card-rating = оценка { $rating }
card-diagnosis = <b>Диагностика</b> (сумма затруднений: вход → последняя):
card-progress = { $name }: { $before } → { $after }
card-progress-none = { $name }: диагностики пока нет
card-satisfaction = <b>Анкеты удовлетворённости</b>: { $done }
card-button-progress = 📈 До и после: { $name }
card-button-pair = 👥 { $pair } ({ $status })
card-role = { $role } · { $form } · { $school } · подтверждён: { $confirmed }
card-unconfirmed = ждёт подтверждения
card-experience = стаж { $years }
card-grade = { $grade } класс
card-contact = Контакт: { $contact }
card-unreachable = ⚠️ Заблокировал(а) бота { $date }
card-questionnaires = <b>Анкеты</b>:
card-survey-done = ✅ { $title } — { $date }
card-survey-in_progress = ⏳ { $title } — начата
card-survey-not_started = ▫️ { $title } — не начата
card-pairs = <b>Пары</b>: { $count }
button-pair-card = 🔎 Подробнее
chart-progress-title = { $name }: затруднения до и после
chart-before = Входная диагностика
chart-after = Последняя диагностика
chart-difficulty-axis = Затруднения (0 — нет, 3 — сильные)
