## Выгрузка баз, пар, встреч, планов и анкет (XLSX или ZIP из CSV): названия листов и столбцов.
## Названия листов Excel — не длиннее 31 символа и без знаков [ ] : * ? / \

export-sheet-mentors = База наставников
export-sheet-mentees = База наставляемых
export-sheet-pairs = Пары
export-sheet-meetings = Встречи
export-sheet-plans = Индивидуальные планы
export-sheet-results = Результаты

export-col-name = ФИО
export-col-role = Роль
export-col-school = Школа
export-col-form = Форма
export-col-contact = Контакт
export-col-messenger = Мессенджер
export-col-parent-contact = Контакт родителя (законного представителя)
export-col-workplace = Место работы (учёбы), должность
export-col-competences = Ключевые компетенции
export-col-experience = Стаж, лет
export-col-mentor-types = Типы наставника
export-col-mentees = Наставляемые
export-col-dates = Даты
export-col-results = Результаты
export-col-confirmed = Подтверждён
export-col-grade-or-experience = Класс / стаж и категория
export-col-request = Запрос
export-col-entered = Дата вхождения
export-col-mentor = Наставник
export-col-completed = Дата завершения
export-col-pair = Пара №
export-col-variant = Вариант
export-col-status = Статус
export-col-start = Начало
export-col-planned-end = Плановое окончание
export-col-end = Окончание
export-col-order-number = Приказ №
export-col-order-date = Дата приказа
export-col-meetings-held = Встреч проведено за период
export-col-meetings-unknown = Встреч без ответа наставника
export-col-plan-done = Пунктов плана выполнено
export-col-plan-total = Пунктов плана всего
export-col-when = Дата и время
export-col-minutes = Минут
export-col-place = Место
export-col-topic = Тема
export-col-model = Модель
export-col-held = Состоялась
export-col-note = Заметка наставника
export-col-rating = Оценка наставляемого
export-col-counter-to = Встречное предложение к встрече
export-col-number = №
export-col-goal = Цель
export-col-area = Область
export-col-due = Срок
export-col-done = Выполнено
export-col-started = Начата
export-col-finished = Завершена
export-col-mentee = Наставляемый
export-col-before = До
export-col-after = После

export-meeting-status-proposed = ждёт ответа
export-meeting-status-accepted = согласована
export-meeting-status-declined = отклонена
export-meeting-status-cancelled = отменена
export-held-unknown = неизвестно
export-position-teacher = учитель
export-position-teacher-subjects = учитель ({ $subjects })
export-position-pupil = ученик
export-position-pupil-grade = ученик { $grade } класса
export-grade = { $grade } класс
export-experience = стаж { $years } { $years ->
    [one] год
    [few] года
   *[many] лет
}
export-pairs-result = завершено { $done } из { $total }
export-satisfaction-result = удовлетворённость { $score }

# The messenger a person uses the bot in (the export's column).
messenger-telegram = Telegram
messenger-max = MAX
