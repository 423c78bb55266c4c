## Drill-down cards: one pair, one person, a mentee's progress.

card-pair-title = <b>{ $pair }</b> — { $status }
card-pair-facts = { $school } · { $form } · вариант: { $variant }
    С { $start } до { $end } · приказ { $order }
card-consent-agreed = ✓ { $name } согласен(на)
card-consent-declined = ✗ { $name } отказался(-ась)
card-consent-waiting = … { $name } ещё не ответил(а)
card-plan = <b>План</b>: выполнено { $done } из { $total }
card-meetings = <b>Встречи</b>: состоялось { $held }, впереди { $upcoming }, не состоялось { $missed }, неизвестно { $unknown }
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
pair-confirm-end = Завершить работу пары { $pair }? Участники получат итоговые анкеты.
pair-confirm-reassign = Отменить пару { $pair } и подобрать наставляемому другого наставника?
pair-confirm-cancel = Отменить пару { $pair }? Участники получат уведомление.
button-pair-end-sure = 🏁 Да, завершить
button-pair-reassign-sure = 🔄 Да, переназначить
button-pair-cancel-sure = ✖️ Да, отменить

## Должность и ключевые компетенции наставника-педагога (база наставников), заполняет куратор
card-mentor-position = Должность: { $text }
card-mentor-key_competences = Ключевые компетенции: { $text }
card-button-mentor-position = ✏️ Должность
card-button-mentor-key_competences = ✏️ Ключевые компетенции
mentor-detail-ask-position = Должность наставника { $name } для базы наставников (сейчас: { $current }). Напишите её одним сообщением, до { $limit } символов, или отправьте /cancel.
mentor-detail-ask-key_competences = Ключевые компетенции наставника { $name } для базы наставников (сейчас: { $current }). Напишите их одним сообщением, до { $limit } символов, или отправьте /cancel.
mentor-detail-hint = Напишите текстом, до { $limit } символов, или отправьте /cancel.
mentor-detail-saved-position = Сохранено. Должность наставника { $name }: { $text }
mentor-detail-saved-key_competences = Сохранено. Ключевые компетенции наставника { $name }: { $text }
