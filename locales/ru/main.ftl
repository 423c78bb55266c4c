## Команды (меню Telegram)
cmd-start = Начать или продолжить
cmd-surveys = Анкеты программы
cmd-profile = Мой профиль
cmd-language = Язык / Language
cmd-help = Что умеет бот
cmd-cancel = Прервать текущее действие
cmd-pair = Мои пары и партнёры
cmd-plan = Индивидуальный план пары
cmd-meet = Предложить встречу
cmd-meetings = Мои встречи
cmd-report = Отчёт наставника
cmd-summary = Сводка и показатели программы
cmd-export = Выгрузка в Excel или CSV
cmd-remind = Напомнить об анкете
cmd-broadcast = Объявление участникам
cmd-invites = Приглашения в школу
cmd-confirm = Подтвердить участников
cmd-curators = Кураторы школы
cmd-match = Подбор пар
cmd-pairs = Пары школы
cmd-calendar = Календарь программы
cmd-settings = Напоминания
cmd-invite = Пригласить ученика в пару (для учеников-наставников)
cmd-join = Войти по коду приглашения
cmd-mydata = Все мои данные, что хранит бот
cmd-delete_me = Отозвать согласие и удалить мои данные
mydata-caption = Всё, что бот хранит о вас: профиль, роли, согласие, ответы на анкеты, пары, встречи и планы. Данные других людей сюда не входят — только имена тех, кого вы сами выбрали в анкетах.
mydata-json-caption = То же самое в машиночитаемом виде (JSON) — например, чтобы перенести данные в другую систему.
mydata-file = мои-данные
mydata-title = Что бот хранит о вас
mydata-messenger-id = ID в { $messenger }
mydata-username = Имя пользователя
mydata-language = Язык
language-name-ru = русский
language-name-en = английский
mydata-time-zone = Часовой пояс
mydata-registered = Зарегистрированы
mydata-consent = Согласие на обработку данных дано
mydata-role = Роль
mydata-role-confirmed = подтверждена куратором { $date }
mydata-role-unconfirmed = ждёт подтверждения куратора
mydata-role-inactive = { $role } (снята)
mydata-questionnaires = Анкеты
mydata-completed = заполнена { $date }
mydata-in-progress = не закончена
mydata-skipped = пропущен
mydata-none = нет
mydata-pairs = Пары и встречи
mydata-pair = Пара { $form } ({ $status }), вы — { $side }; с { $since } по { $until }
mydata-side-mentor = наставник
mydata-side-mentee = наставляемый
mydata-meeting = Встреча { $when } ({ $status }): { $topic }, { $place }
mydata-mentor-note = Заметка наставника
mydata-plan-item = Пункт плана: { $goal }, срок { $due }
mydata-rights = Права куратора / координатора
mydata-curates-school = Куратор школы «{ $name }» с { $since }
mydata-coordinates-municipality = Координатор муниципалитета «{ $name }» с { $since }

## Главное меню
menu-surveys = 📋 Анкеты
menu-profile = 👤 Профиль
menu-language = 🌐 Язык
menu-help = ❓ Помощь
menu-shown = Главное меню — кнопки внизу экрана.
welcome-back = С возвращением! Главное меню — кнопки внизу экрана.
unknown-input = Не понял сообщение. Выберите действие кнопками меню или отправьте /help.

## Знакомство и согласие
welcome =
    Здравствуйте! Это бот программы наставничества нашей школы (целевая модель наставничества).
    Здесь наставники и наставляемые — учителя и ученики — заполняют анкеты программы: диагностику профессиональных дефицитов, предпочтения при выборе наставника и удовлетворённость работой. Позже бот будет напоминать о встречах и сроках.
consent-text =
    <b>Согласие на обработку персональных данных</b>
    Чтобы участвовать, нужно ваше согласие. Мы храним: ваш Telegram ID, ФИО, школу, роль в программе, данные профиля (предметы, стаж, класс) и ответы на анкеты.
    Зачем: чтобы куратор программы мог сформировать наставнические пары и оценить результаты. Данные видят только кураторы программы (вашей школы и регионального центра наставничества) и, в части пары, ваш наставник или наставляемый.
    Ученика мы по желанию спрашиваем контакт родителя (законного представителя): он нужен школе, чтобы связаться с семьёй по делам программы, и его видят только кураторы программы — не наставник и не наставляемый.
    До вашего согласия мы ничего не сохраняем.
button-consent-agree = ✅ Согласен(на)
button-consent-decline = ✖️ Не согласен(на)
consent-declined = Хорошо, мы ничего не сохранили. Если передумаете, отправьте /start.
consent-thanks = Спасибо! Согласие сохранено.

## Роли
role-choose = Кто вы в программе наставничества?
role-choose-more = Какую ещё роль вы берёте на себя?
role-mentor_teacher = Наставник (педагог)
role-mentee_teacher = Наставляемый (педагог)
role-mentor_pupil = Ученик-наставник
role-mentee_pupil = Ученик-наставляемый
role-added = Роль «{ $role }» добавлена.
role-already = Роль «{ $role }» у вас уже есть.

## Профиль
profile-title = Профиль участника
profile-continue = Давайте заполним профиль до конца.
profile-ready = Профиль заполнен. Теперь можно перейти к анкетам.
profile-updated = Профиль обновлён.
profile-roles = Роли: { $roles }
profile-field-full_name = ФИО
profile-field-school = Школа
profile-field-subjects = Предметы
profile-field-experience = Стаж, лет
profile-field-category = Категория
profile-field-mentor_types = Тип наставника
profile-field-capacity = Готов(а) взять наставляемых
profile-field-grade = Класс
profile-field-help_wanted = Нужна помощь
profile-field-help_offered = Могу помочь
profile-field-parent_contact = Контакт родителя
profile-field-position = Должность
profile-field-key_competences = Ключевые компетенции
button-edit = ✏️ { $field }
button-add-role = ➕ Добавить роль

forget-confirm = Отозвать согласие на обработку персональных данных? Мы удалим ваше ФИО, профиль, Telegram ID, свободные ответы и всё, что вас называет; оценки из анкет останутся только обезличенными в сводных показателях школы. Действующие пары будут завершены. Это нельзя отменить.
button-forget-yes = 🗑 Да, удалить мои данные
button-forget-no = Нет, оставить
forget-kept = Хорошо, ничего не удалено.
forget-done = Согласие отозвано, ваши данные удалены. Чтобы вернуться, отправьте /start.

## Анкеты
surveys-title = Анкеты программы
surveys-none = Для ваших ролей сейчас нет открытых анкет.
curator-start =
    <b>Вы куратор программы.</b> С чего начать:
    • пригласить участников — ссылка и код для каждой роли;
    • подтвердить тех, кто пришёл без приглашения;
    • подобрать пары, когда участники заполнят анкеты;
    • календарь программы и сроки;
    • сводка — участие, анкеты и показатели программы.
    Все команды куратора — в /help.
button-curator-summary = 📊 Сводка
button-curator-invites = ✉️ Пригласить участников
button-curator-confirm = ✅ Подтвердить участников
button-curator-match = 🤝 Подбор пар
button-curator-calendar = 📅 Календарь программы
survey-not-started = ⚪️ { $title } — не начата
survey-in-progress = 🟡 { $title } — в процессе (ответов: { $answered })
survey-done = 🟢 { $title } — заполнена { $date }
button-survey-start = ▶️ Начать: { $title }
button-survey-continue = ⏯ Продолжить: { $title }
button-survey-again = 🔁 Пройти заново: { $title }
survey-not-open = Эта анкета вам сейчас недоступна.
survey-completed = Спасибо! Анкета «{ $title }» заполнена, ответы сохранены.
question-progress = Вопрос { $number } из { $total }
current-answer = Текущий ответ: { $answer }
answer-yes = Да
answer-no = Нет
button-done = ✔️ Готово
button-back = ⬅️ Назад
button-skip = Пропустить ➡️
hint-buttons = Выберите ответ кнопкой.
hint-multiple = Отметьте подходящие варианты и нажмите «Готово».
hint-ranked = Выберите до { $max } вариантов по порядку предпочтения, затем «Готово». Повторное нажатие убирает выбор.
hint-number = Напишите число от { $min } до { $max }.
hint-text = Напишите ответ сообщением (до { $limit } символов).

## Ошибки ввода
error-use-buttons = Пожалуйста, выберите ответ кнопкой под вопросом.
error-not-a-number = Нужно целое число от { $min } до { $max }.
error-out-of-range = Число должно быть от { $min } до { $max }.
error-too-long = Слишком длинно: { $length } символов, можно до { $limit }. Сократите, пожалуйста.
error-school-locked = Вы сейчас в паре в другой школе. Сменить школу можно, когда куратор завершит пару; /cancel — оставить как есть.
error-empty = Ответ пустой. Напишите, пожалуйста, текст.
error-not-text = Ответьте, пожалуйста, текстом или кнопкой.
error-unknown-command = Такой команды нет. Ответьте на вопрос или отправьте /cancel, чтобы прерваться.
error-too-many = Можно выбрать не больше { $max }. Снимите один из вариантов.
error-too-few = Выберите хотя бы { $min }.
error-not-optional = На этот вопрос нужно ответить.
error-stale = Эта кнопка больше не действует.
error-internal = Что-то пошло не так. Сохранённые ответы не потеряны — попробуйте ещё раз или отправьте /start.
error-database-busy = База данных сейчас занята, этот ответ не сохранён. Попробуйте ещё раз через минуту — всё, что вы ответили раньше, на месте.
stale-button = Эта кнопка из старого сообщения. Вот актуальный вопрос.
flow-gone = Этот вопрос уже неактуален. Откройте нужный раздел в меню.
answer-before-question = Это сообщение пришло раньше, чем вопрос ниже, поэтому ответом на него не засчитано. Ответьте, пожалуйста, на вопрос.
need-start = Сначала отправьте /start и дайте согласие на обработку данных.

## Прочее
help-text =
    <b>Что умеет бот</b>
    /start — начать или продолжить регистрацию
    /surveys — анкеты программы: диагностика, предпочтения, удовлетворённость
    /profile — посмотреть и изменить профиль, добавить роль
    /join КОД — войти в школу или пару по коду приглашения
    /pair — мои пары и партнёры
    /plan — индивидуальный план пары
    /meet — предложить встречу, /meetings — мои встречи, /settings — напоминания
    /report — отчёт наставника (Excel): пары, встречи, план, результаты
    /invite — пригласить ученика в пару (для учеников-наставников)
    /language — сменить язык
    /cancel — прервать текущее действие (ответы сохраняются)
    /mydata — все ваши данные, которые хранит бот (файлом)
    /delete_me — отозвать согласие и удалить свои данные
    Каждый ответ сохраняется сразу: можно прерваться и продолжить позже с того же вопроса.
cancelled = Прервали. Всё, что вы ответили, сохранено — продолжить можно в «Анкеты».
nothing-to-cancel = Сейчас нечего прерывать.
cancelled-unregistered = Хорошо. Чтобы начать, отправьте /start.
language-choose = Выберите язык / Choose your language:
language-set = Готово, теперь я говорю по-русски.
language-set-unregistered = Готово. Язык запомню после вашего согласия в /start.

## Школы, кураторы, приглашения
curator-only = Эта команда — для куратора программы.
curator-no-schools = Вы куратор, но школ пока нет: они появятся, когда участники укажут свою школу. Региональный куратор может добавить школу сам: /municipalities → «➕ Школа».
curator-pick-school = Выберите школу:
curator-pick-school-page = Выберите школу (страница { $page } из { $pages }):
invite-pick-role = Приглашение в «{ $school }». Для какой роли?
invite-created =
    <b>Приглашение: { $school }, { $role }</b>
    Ссылка: { $link }
    Код для печати: <code>{ $code }</code> (ввести в боте: /join { $code })
    Действует { $days } дней, для любого числа участников.
button-make-curator = 👑 Сделать куратором: { $name }
curators-list =
    <b>Кураторы «{ $school }»</b>
    { $names }
    Снять куратора или назначить нового — кнопками ниже. Назначить можно подтверждённого педагога школы.
curator-granted = Куратор назначен.
curator-already = Этот человек уже куратор школы.
button-revoke-curator = ✖️ Снять куратора: { $name }
button-revoke-curator-sure = ✖️ Да, снять
curator-revoke-confirm = Снять с { $name } права куратора «{ $school }»? Человек останется участником программы; команды куратора у него пропадут.
curator-revoked = Права куратора сняты.
curator-revoked-notice = Вы больше не куратор «{ $school }»: команды куратора этой школы вам больше недоступны.
confirm-none = В «{ $school }» нет участников, ожидающих подтверждения.
confirm-list = Ожидают подтверждения в «{ $school }»: { $count }. Нажмите, чтобы подтвердить:
button-confirm-member = ✅ { $name } — { $role }
member-confirmed = Подтверждено.
invite-joined = Вы в программе школы «{ $school }» в роли «{ $role }».
invite-problem-unknown = Такого кода приглашения нет. Проверьте код или попросите новый у куратора.
invite-problem-expired = Срок этого приглашения истёк. Попросите новое у куратора.
invite-problem-used = Это приглашение уже использовано. Попросите новое.
invite-problem-own = Это ваше собственное приглашение — его нужно отправить другому ученику.
join-usage = Напишите код приглашения после команды, например: /join ABCD-EFGH
help-curator =
    <b>Для куратора</b>
    /invites — ссылки-приглашения в школу для каждой роли
    /confirm — подтвердить участников, пришедших без приглашения
    /curators — кураторы школы, назначить нового или снять
    /municipalities — муниципалитеты региона и их координаторы (региональному куратору)
    /match — подбор пар, /pairs — пары школы
    /calendar — календарь программы и сроки
    /summary — сводка, показатели, графики; фильтры кнопками (период: /summary 2026-09-01 2026-12-31)
    /export — выгрузка в Excel (/export csv — в CSV)
    /remind — напомнить об анкете тем, кто её не заполнил
    /broadcast — объявление участникам (роль, форма, школа)

## Пары
outbox-late-note = ⏰ Сообщение запоздало: бот был недоступен.
area-area_methods = формы и методы обучения
area-area_technologies = педагогические технологии
area-area_assessment = оценка результатов обучения
area-area_control = контроль и оценивание, электронные документы
area-area_programmes = рабочие программы
area-area_parents = связь с учениками и родителями
area-area_colleagues = контакты с коллегами
area-area_safety = охрана жизни и здоровья учеников
form-teacher_teacher = учитель – учитель
form-pupil_pupil = ученик – ученик
form-teacher_pupil = учитель – ученик
variant-experienced_young = опытный педагог – молодой специалист
variant-leader_struggling = лидер педагогического сообщества – педагог, испытывающий проблемы
variant-innovator_conservative = педагог-новатор – консервативный педагог
variant-subject_expert = опытный предметник – неопытный предметник
variant-class_teacher = опытный классный руководитель – молодой специалист
variant-achiever_struggling = успевающий – неуспевающий
variant-leader_passive = лидер – пассивный
variant-peer = равный – равному
variant-adapted_newcomer = адаптированный – неадаптированный
pair-status-proposed = ждёт согласия
pair-status-active = работает
pair-status-completed = завершена
pair-status-cancelled = отменена
match-none = В «{ $school }» нет наставляемых без пары среди подтверждённых участников.
match-summary =
    <b>Подбор пар: { $school } ({ $form })</b>
    Наставляемых без пары: { $mentees }, свободных мест у наставников: { $places }.
    Предложено пар: { $suggested } (оптимальное распределение по сумме баллов с учётом мест). Показаны первые { $shown }.
match-suggestion =
    <b>{ $mentee }</b> ← наставник <b>{ $mentor }</b> · { $score } балл.
    { $reasons }
match-reason-covers-deficits = закрывает слабые области: { $areas }
match-reason-same-subject = тот же предмет: { $subjects }
match-reason-mentee-prefers = наставляемый выбрал этого наставника ({ $rank }-е место)
match-reason-mentor-prefers = наставник назвал этого наставляемого
match-reason-mutual-preference = взаимный выбор
match-reason-free-places = свободных мест у наставника: { $free }
match-unmatched = Без предложения (не хватило мест): { $count } — { $names }
match-no-places = Свободных мест у наставников нет.
match-choose = Наставник для «{ $mentee }»:
match-proposed = Предложение отправлено: { $mentee } ← { $mentor }. Пара начнёт работу, когда оба согласятся.
button-match-accept = ✅ Принять
button-match-choose = ✋ Выбрать вручную
button-match-mentor = { $name } (мест: { $free })
button-match-choose-for = Подобрать наставника: { $name }
match-pick-form = Подбор пар в «{ $school }»: в какой форме наставничества?
match-pick-variant =
    Вариант пары «учитель – ученик»: { $mentee } ← { $mentor }.
    { $usual ->
        [none] Выберите вариант.
       *[other] По запросу ученика подходит «{ $usual }» (отмечен ⭐); можно выбрать другой.
    }
match-reason-meets-requests = отвечает на запрос ученика: { $requests }
match-reason-teaches-grade = ведёт предметы { $grade }-го класса
button-match-variant-usual = ⭐ { $variant }
button-group-add = ➕ Добавить ученика в группу
group-choose = Кого добавить в группу { $pair }? Свободных мест у наставника: { $free }.
group-no-pupils = Добавить в группу { $pair } некого: других подтверждённых учеников-наставляемых без пары «учитель – ученик» в школе нет. Ученика, которого школа ещё не подтвердила, подтвердите в /confirm.
group-pupil-added = { $name } — в группе { $pair }. Бот спросит согласие ученика и заново — наставника; группа начнёт работу, когда согласятся все.
group-changed = Состав группы изменился, теперь в ней: { $pair }. Группа начнёт работу, когда согласятся все её участники.
group-left-curator = { $name } отказался(-ась) от участия в группе; группа остаётся: { $pair }.
group-left-ask-reason = Понятно, в этой группе вас не будет. Напишите коротко причину — её увидит только куратор (или /cancel).
variant-underachiever = учитель – неуспевающий ученик
variant-passive_pupil = учитель – пассивный ученик
variant-gifted_pupil = учитель – одарённый ученик
variant-special_needs = учитель – ребёнок с ОВЗ / ребёнок-инвалид
pair-proposed =
    <b>Куратор предлагает наставническую пару</b>
    Наставник: { $mentor }
    { $count ->
        [1] Наставляемый
       *[other] Наставляемые
    }: { $mentees }
    Форма: { $form }; вариант: { $variant }
    Назначение производится только при обоюдном согласии. Вы согласны?
pair-proposed-pupil =
    <b>Куратор предлагает наставническую пару</b>
    Наставник: { $mentor }
    { $count ->
        [1] Наставляемый
       *[other] Наставляемые
    }: { $mentees }
    Форма: { $form }
    Назначение производится только при обоюдном согласии. Вы согласны?
button-pair-agree = ✅ Согласен(на)
button-pair-decline = ✖️ Отказаться
pair-waiting = Спасибо! Ждём согласия второй стороны.
pair-started =
    <b>Пара начала работу!</b>
    Партнёр: { $partners }
    Плановое окончание: { $end }. Индивидуальный план — /plan, ваши пары — /pair.
pair-waiting-group = Спасибо! Ждём согласия остальных участников группы.
pair-started-group =
    <b>Группа начала работу!</b>
    Участники: { $partners }
    Плановое окончание: { $end }. Индивидуальный план — /plan, ваши пары — /pair.
pair-started-curator = Пара начала работу: { $pair } ({ $form }).
pair-declined-ask-reason = Понятно, пара не состоится. Напишите коротко причину — её увидит только куратор (или /cancel).
pair-reason-hint = Напишите причину текстом или отправьте /cancel.
pair-reason-sent = Спасибо, причина передана куратору.
pair-cancelled-partner = { $name } отказался(-ась) от пары. Куратор подберёт другой вариант.
pair-partner-left = Ваш партнёр вышел из программы, и пара отменена. Куратор подберёт новый вариант.
pair-meetings-cancelled = Запланированные встречи этой пары отменены, напоминаний о них не будет: { $meetings }.
pair-left-curator = Пара отменена: участник вышел из программы и удалил свои данные. Без пары остались: { $partners } — нужно подобрать новый вариант. { $meetings ->
        [0] Запланированных встреч не было.
       *[other] Отменено запланированных встреч: { $meetings }.
    }
pair-declined-curator = { $name } отказался(-ась) от пары: { $pair }.
pair-decline-reason-curator = Причина отказа ({ $name }, пара { $pair }): { $reason }
pairs-none = У вас пока нет пар.
pair-card-title = <b>Пара ({ $form })</b> — { $status }
pair-side-mentor = Наставник: { $name }
pair-side-mentee = Наставляемый: { $name }
pair-title = { $mentor } → { $mentees }
pair-partner = { $name } ({ $contact })
contact-username = @{ $username }
contact-link = <a href="tg://user?id={ $id }">{ $name }</a>
# A person in the other messenger (or in MAX, which has no link to a person): words, no link.
contact-max-username = @{ $username } (в MAX)
contact-max = { $name } (в MAX)
contact-telegram-username = @{ $username } (в Telegram)
contact-telegram = { $name } (в Telegram)
pair-card-dates = С { $start } до { $end }
school-pairs-none = В «{ $school }» нет действующих пар.
school-pair = { $pair } — { $status }
button-pair-end = 🏁 Завершить
button-pair-reassign = 🔄 Переназначить
pair-ended = Работа вашей пары завершена. Пожалуйста, заполните итоговые анкеты:
pair-ended-curator = Пара завершена: { $pair }. Участникам отправлены итоговые анкеты.
pair-reassigned = Куратор переназначает вашу пару. Новое предложение придёт отдельно.
pair-reassign-curator = Пара отменена для переназначения: { $pair }.
pair-invite-mentors-only = Приглашать в пару могут ученики-наставники. Добавьте себе эту роль в /profile.
pair-invite-needs-school = Сначала заполните профиль и укажите школу: /start
pair-invite-unconfirmed = Приглашать в пару можно, когда куратор школы подтвердит тебя как ученика-наставника (/join КОД по приглашению куратора или подтверждение в боте).
invite-problem-unconfirmed = Принять приглашение в пару может ученик-наставляемый, которого куратор этой школы уже подтвердил. Попроси у куратора приглашение в школу (/join КОД) или дождись подтверждения, а потом снова открой ссылку — она действует 48 часов.
invite-problem-paired = Вы сейчас в паре в другой школе. Перейти в новую школу можно, когда куратор завершит ту пару.
pair-invite-created =
    <b>Приглашение в пару</b>
    Отправь эту ссылку однокласснику: { $link }
    Или продиктуй код: <code>{ $code }</code> (в боте: /join { $code })
    Ссылка одноразовая и действует { $hours } ч.
pair-invite-offer = { $name } приглашает тебя в пару «ученик – ученик». Согласен(на)?
pair-invite-newcomer = Это приглашение в пару «ученик – ученик». Принять его можно, когда куратор школы подтвердит тебя как ученика-наставляемого: роль и школу бот уже взял из приглашения. А пока заполни короткий профиль. После подтверждения снова открой ссылку — она действует { $hours } ч.
pair-invite-refused = Хорошо, ты не в паре. Ссылку можно использовать, пока не истечёт срок.
invite-problem-pupils-only = Это приглашение ученика в пару — его может принять только ученик.
button-pair-cancel = ✖️ Отменить пару
pair-cancelled-by-curator = Куратор отменил вашу пару.
pair-cancelled-curator = Пара отменена: { $pair }.
link-need-start = Сначала напишите боту в личные сообщения /start — так я узнаю, кто вы.
link-no-pair = У вас нет действующей пары, которую можно привязать к этому чату.
link-not-all-here = Сначала добавьте в эту группу всех участников пары: к чату можно привязать пару, только если в нём есть все её участники.
link-pick = Какую пару привязать к этому чату?
link-done = Чат привязан к паре { $pair }. Сюда будут приходить напоминания и уведомления пары.
group-max-needs-admin = Чтобы я видел команду /link и мог привязать этот чат к паре, сделайте меня администратором чата с правом «Читать все сообщения»: без него MAX не передаёт боту сообщения группы.
pair-chat-ended = Работа пары { $pair } завершена. Спасибо!
pair-chat-cancelled = Пара { $pair } отменена куратором.

## Индивидуальный план
plan-no-pair = Индивидуальный план появляется, когда пара начала работу. Ваши пары — /pair.
plan-title = <b>Индивидуальный план</b> · { $pair }
plan-page = Страница { $page } из { $pages }
plan-empty = Пунктов пока нет.
plan-area-goal = Преодолеть затруднения: { $area }
plan-due = { " " }— до { $date }
button-plan-done = ✅ { $n }
button-plan-undo = ↩️ { $n }
button-plan-delete = 🗑 { $n }
button-plan-add = ➕ Добавить пункт
plan-ask-goal = Напишите цель нового пункта (до { $limit } символов).
plan-ask-due = Срок: дата в виде 15.12 или 15.12.2026, или «-» без срока.
plan-bad-date = Не понял дату. Напишите, например, 15.12 или 15.12.2026, или «-» без срока.
school-pair-details = До { $end } · приказ { $order } от { $order_date }
button-pair-order = 📄 Приказ
button-pair-until = 📅 Срок
pair-ask-order = Напишите номер и дату приказа, например: 12-О от 01.09.2026
pair-ask-until = Плановая дата окончания (от месяца до учебного года от начала), например 31.05.2027
pair-bad-order = Не понял. Напишите номер и дату, например: 12-О от 01.09.2026
pair-bad-end = Срок работы пары — от одного месяца до одного учебного года. Напишите другую дату.
pair-order-saved = Приказ { $order } от { $date } сохранён.
pair-end-saved = Плановое окончание: { $date }.

## Встречи
meet-no-pair = Встречу можно назначить, когда пара начала работу. Ваши пары — /pair.
meet-pick-pair = С кем встреча?
meet-pick-day = Выберите день встречи:
meet-pick-time = { $day }: выберите время или напишите его, например 15:30.
meet-bad-time = Напишите время так: 15:30.
meet-in-past = Это время уже прошло. Выберите другое.
meet-ask-place = Где встреча? Кабинет, адрес или ссылка (до { $limit } символов).
meet-ask-topic = Тема встречи (до { $limit } символов)?
meet-ask-model = Модель взаимодействия:
meet-ask-repeat = Сколько длится встреча (обычно час) и повторять ли её? Выберите длительность, затем повтор — и предложение уйдёт.
meet-length = { $minutes } мин
model-tell_listen = «Я расскажу, ты послушай»
model-show_watch = «Я покажу, ты посмотри»
model-together = «Сделаем вместе»
model-do_hint = «Сделай сам, я подскажу»
model-do_tell = «Сделай сам, расскажи, что сделал»
repeat-once = Один раз
repeat-weekly = Каждую неделю
repeat-biweekly = Раз в две недели
meet-sent = Предложение отправлено партнёру. Я сообщу, как только придёт ответ.
meet-proposed =
    <b>{ $name } предлагает встречу</b>
    Когда: { $when }
    Где: { $place }
    Тема: { $topic }
    Модель: { $model }; { $repeat }
meet-counter-proposed =
    <b>{ $name } предлагает другое время</b>: встречное предложение к встрече { $original }
    Когда: { $when }
    Где: { $place }
    Тема: { $topic }
    Модель: { $model }; { $repeat }
button-meet-accept = ✅ Принять
button-meet-decline = ✖️ Отклонить
button-meet-other = 🔄 Другое время
meet-accepted = Встреча в календаре. Я напомню о ней заранее.
meet-accepted-proposer = { $name } принял(а) встречу { $when }: { $topic }.
meet-declined-proposer = { $name } не может встретиться { $when } ({ $topic }).
meet-declined = Хорошо, встреча отклонена.
meeting-reminder =
    ⏰ <b>Напоминание о встрече</b>
    Когда: { $when }
    Где: { $place }
    Тема: { $topic }
button-meet-ok = 👍 Буду
button-meet-move = 🔄 Перенести
meet-see-you = До встречи!
meet-moved-partner = { $name } просит перенести встречу { $when } ({ $topic }). Новое предложение придёт отдельно.
meeting-followup-mentor = Встреча { $when } ({ $topic }) состоялась?
meeting-nudge = Напоминаю: встреча { $when } ({ $topic }) состоялась? Пока вы не ответили, в сводке куратора она считается неизвестной.
meeting-followup-mentee = Как прошла встреча { $when } ({ $topic })? Оцените от 1 до 5.
button-rate = { $score }
meet-ask-note = Коротко: что сделали на встрече? (до { $limit } символов) Запись попадёт в ваш отчёт наставника; её видите вы и куратор школы, наставляемый — нет.
meet-not-held = Понятно, отметил, что встреча не состоялась. Назначьте новую: /meet
meet-note-saved = Записал. Спасибо!
meet-rated = Спасибо за оценку!
meetings-none = Встреч пока нет. Предложить встречу: /meet
meetings-upcoming = <b>Предстоящие встречи</b>
meetings-past = <b>Прошедшие встречи</b>
meeting-status-proposed = ждёт ответа
meeting-status-accepted = согласована
meeting-status-declined = отклонена
meeting-status-cancelled = отменена
meeting-counter-to = встречное предложение к встрече { $when }
remind-1440 = За сутки
remind-60 = За час
remind-off = 🔕 Выключить напоминания о встречах
settings-reminders = Когда напоминать о встречах и в каком вы часовом поясе? Изменения действуют для новых встреч.
settings-saved = Сохранено.

## Календарь программы, сроки, предупреждения
calendar-title = <b>Календарь программы: { $school }</b>
calendar-none = Календарь не выбран. Выберите один из готовых — даты перенесутся на текущий учебный год.
calendar-chosen = { $title } (сдвиг: { $shift } дн.)
calendar-saved = Сохранено.
button-calendar-shift = { $days } дн.
deadline-reminder =
    📅 <b>Срок: { $due }</b>
    { $event }
    Пожалуйста, заполните анкету — это займёт несколько минут.
button-deadline-open = ▶️ Заполнить анкету
deadline-digest =
    ⌛ <b>Просрочено: { $event }</b> (срок { $due })
    Не выполнили: { $count } — { $names }
warning-quiet-pair = ⚠️ У пары { $pair } не было встреч { $days } дн. Возможно, наставничество стало формальным.
warning-unreachable = ⚠️ { $name } заблокировал(а) бота: напоминания этому участнику не доходят.
warning-no-reaction = ⚠️ Пара { $pair }: после встречи { $when } никто не ответил на напоминания и вопросы бота.
zone-kaliningrad = Калининград (МСК−1)
zone-moscow = Москва (МСК)
zone-samara = Самара (МСК+1)
zone-yekaterinburg = Екатеринбург (МСК+2)
zone-omsk = Омск (МСК+3)
zone-krasnoyarsk = Красноярск (МСК+4)
zone-irkutsk = Иркутск (МСК+5)
zone-yakutsk = Якутск (МСК+6)
zone-vladivostok = Владивосток (МСК+7)
zone-magadan = Магадан (МСК+8)
zone-kamchatka = Камчатка (МСК+9)

## Сводка куратора
summary-bad-period = Период пишется двумя датами: /summary 2026-09-01 2026-12-31
summary-title = 📊 <b>Сводка: { $school }</b> · { $since } – { $until }
summary-people = Участники за период: наставники-педагоги { $mentor-teacher }, наставляемые педагоги { $mentee-teacher }, ученики-наставники { $mentor-pupil }, ученики-наставляемые { $mentee-pupil }
summary-pairs = Пары за период (состояние на его конец):
summary-questionnaires = <b>Анкеты</b> (заполнили / начали / не начинали):
summary-completion = • { $title }: { $done } / { $started } / { $not_started }
summary-satisfaction = <b>{ $title }</b> (среднее, доля 8+):
summary-item = • { $item }…: { $average } ({ $high }%, ответов { $count })
summary-deficits = Частые дефициты: { $areas }
summary-meetings = Встречи за период: состоялись { $held }, неизвестно { $unknown } (наставник не ответил), на активную пару: { $per_pair }
summary-unreachable = Заблокировали бота (сейчас): { $count }
summary-kpi = <b>Показатели программы</b> (раздел 3.2, за период):
kpi-young_involved = { $mark } Вовлечено молодых специалистов: { $done } из { $total } ({ $percent }), цель { $target }%
kpi-teachers_involved = { $mark } Вовлечено педагогов: { $done } из { $total } ({ $percent }), цель { $target }%
kpi-young_retained = { $mark } Молодые специалисты продолжают работу: { $done } из { $total } ({ $percent }), цель { $target }%
kpi-deficits_improved = { $mark } Положительная динамика дефицитов: { $done } из { $total } ({ $percent }), цель { $target }%
