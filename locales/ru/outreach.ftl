## /remind and /broadcast: a curator reaching many people through the outbox.

outreach-remind-pick = О какой анкете напомнить? Напоминание получат только те, кто её ещё не заполнил.
outreach-remind-unknown = Такой анкеты нет. Выберите анкету:
outreach-remind-nobody = Все, кому предназначена анкета «{ $title }», уже заполнили её. Напоминать некому.
outreach-remind-confirm = Напомнить об анкете «{ $title }»: { $count } чел. ({ $where }).
outreach-button-remind = 🔔 Напомнить ({ $count })
desk-button-remind = 🔔 Напомнить им
outreach-queued = Поставлено в очередь: { $count }. Сообщения уходят с учётом ограничений Telegram и тихих часов; когда всё будет отправлено, сюда придёт отчёт о доставке.
outreach-skipped = Ещё { $count } уже получили такое сообщение — повторно не отправляем.
outreach-button-status = 📬 Статус доставки
outreach-status = Всего { $total }: доставлено { $delivered }, недоступны { $unreachable }, ошибки { $failed }, ждут отправки { $waiting }.
outreach-already = Это уже отправлено: получателей { $total }, доставлено { $delivered }, ждут отправки { $waiting }.
outreach-kind-remind = Напоминание об анкете
outreach-kind-broadcast = Объявление
outreach-report = 📬 { $what }: отправлено { $total }. Доставлено: { $delivered }. Недоступны (заблокировали бота): { $unreachable }. Не удалось отправить: { $failed }.
outreach-remind = 🔔 Куратор программы наставничества напоминает: пожалуйста, заполните анкету «{ $title }». Это займёт несколько минут.
outreach-broadcast = 📢 <b>Объявление куратора</b>
    { $text }
broadcast-audience = <b>Объявление</b>: кому отправить?
    { $where } · { $role }
    Получат: { $count } чел.
broadcast-all-roles = Все роли
broadcast-button-write = ✍️ Написать текст
broadcast-ask-text = Напишите текст объявления одним сообщением (до { $limit } символов). Перед отправкой покажу, как его увидят участники. Отменить — /cancel.
broadcast-text-hint = Нужен текст объявления одним сообщением. Отменить — /cancel.
broadcast-too-long = Слишком длинно: { $length } символов, можно до { $limit }. Сократите текст и отправьте снова.
broadcast-preview = Так объявление увидят { $count } чел. ({ $where }):
broadcast-button-send = 📢 Отправить ({ $count })
broadcast-button-rewrite = ✏️ Изменить текст
broadcast-button-cancel = ✖️ Отмена
broadcast-cancelled = Объявление отменено, ничего не отправлено.
