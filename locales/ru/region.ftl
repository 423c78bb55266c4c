## Регион, муниципалитеты, координаторы; сравнение муниципалитетов и школ.
region-only = Эта команда — для регионального куратора.
button-curator-municipalities = 🏛 Муниципалитеты
region-title = <b>Муниципалитеты региона: { $count }</b>
region-line = • { $name } — школ: { $schools }, координаторов: { $coordinators }
region-loose-schools = Школ вне муниципалитетов: { $count }. Откройте муниципалитет, чтобы добавить в него школы, пригласить или снять координатора.
button-region-new = ➕ Новый муниципалитет
button-region-new-school = ➕ Школа
school-ask-name = Напишите название школы (от { $least } до { $most } символов) так, как его будут писать участники, например: «МОУ СОШ №1». Потом в /invites можно сделать приглашения в неё. Отменить — /cancel.
school-added = Школа «{ $name }» добавлена. Приглашения в неё — /invites.
school-exists = Школа «{ $name }» уже есть. Приглашения в неё — /invites.
school-name-hint = Напишите название школы текстом (до { $limit } символов) или отмените — /cancel.
button-region-back = ⬅️ Все муниципалитеты
municipality-ask-name = Напишите название муниципалитета (от { $least } до { $most } символов), например: «Городской округ Энск». Отменить — /cancel.
municipality-name-hint = Напишите название муниципалитета текстом (до { $limit } символов) или отмените — /cancel.
municipality-exists = Муниципалитет «{ $name }» уже есть. Напишите другое название или отмените — /cancel.
municipality-created = Муниципалитет «{ $name }» создан.
municipality-card =
    <b>{ $name }</b>
    <b>Школы</b>
    { $schools }
    <b>Координаторы</b>
    { $coordinators }
    Координатор видит и ведёт все школы муниципалитета: сводку, выгрузки, приглашения, пары, кураторов школ.
button-municipality-place = 🏫 Добавить школу
button-municipality-invite = ✉️ Пригласить координатора
button-remove-coordinator = ✖️ Снять координатора: { $name }
municipality-pick-school = Какую школу включить в «{ $name }»? (страница { $page } из { $pages }) Школа из другого муниципалитета перейдёт сюда.
button-place-school-moving = { $school } (сейчас: { $municipality })
municipality-nothing-to-place = Других школ нет: все школы уже в «{ $name }».
municipality-school-placed = Школа «{ $school }» теперь в муниципалитете «{ $name }».
coordinator-invite-created =
    <b>Приглашение координатора: { $municipality }</b>
    Ссылка: { $link }
    Код: <code>{ $code }</code> (ввести в боте: /join { $code })
    Для одного человека, действует { $days } дней. Отправьте его лично будущему координатору.
coordinator-joined = Вы координатор муниципалитета «{ $name }»: вам доступны все его школы — сводка (/summary), сравнение школ, выгрузки, приглашения, пары, кураторы школ. Команды — в меню и в /help.
coordinator-already = Вы уже координатор муниципалитета «{ $name }».
coordinator-remove-confirm = Снять с { $name } права координатора «{ $municipality }»? Команды куратора для школ этого муниципалитета у него пропадут.
coordinator-removed = Координатор снят.
coordinator-removed-notice = Вы больше не координатор муниципалитета «{ $municipality }»: его школы вам больше недоступны.
desk-municipality = { $name } (школ: { $count })
desk-button-municipality = 🏛 { $name }
desk-button-whole-region = ⬅️ Все мои школы
desk-button-compare = ⚖️ Сравнить
compare-nothing-schools = { $count ->
    [0] Сравнивать нечего: в этой выборке нет ни одной школы.
   *[other] Сравнивать нечего: в этой выборке одна школа.
}
compare-nothing-municipalities = Сравнивать нечего: в регионе один муниципалитет, а школ вне муниципалитетов нет. Сравнить его школы можно в сводке этого муниципалитета.
compare-too-many = Слишком много школ, чтобы сравнить сразу ({ $count }, можно до { $most }): выберите муниципалитет в «🏫 Школа» или создайте муниципалитеты в /municipalities.
compare-too-many-curator = Слишком много школ, чтобы сравнить сразу ({ $count }, можно до { $most }): откройте сводку отдельной школы в «🏫 Школа».
compare-what-municipalities = муниципалитеты
compare-what-schools = школы
compare-no-municipality = Школы вне муниципалитетов
compare-title =
    <b>Сравнение: { $what }</b>
    { $place } · { $form } · { $since } – { $until }
compare-targets = Цели программы 001 (раздел 3.2): молодые специалисты вовлечены { $young-involved }%, педагоги вовлечены { $teachers-involved }%, молодые продолжают работу { $young-retained }%, динамика дефицитов { $deficits-improved }%. ✅ — цель достигнута, ⚠️ — нет.
compare-row =
    <b>{ $number }. { $name }</b>
    участников { $participants } · работающих пар { $pairs } · анкеты заполнены { $completion } · удовлетворённость { $satisfaction }
    { $kpis }
compare-kpi = { $name } { $value } { $mark }
compare-kpi-young_involved = Вовлечено молодых
compare-kpi-teachers_involved = Вовлечено педагогов
compare-kpi-young_retained = Молодые продолжают
compare-kpi-deficits_improved = Динамика дефицитов
compare-kpi-target = { $name }, % (цель { $target }%)
compare-more = …и ещё { $count } — все строки в файле Excel ниже.
compare-caption = Сравнение: { $what } — за тот же период и по той же форме, что и сводка.
compare-file = сравнение
compare-file-title = Сравнение: { $what }
compare-sheet = Сравнение
compare-targets-row = Цель, %
compare-column-name = Название
compare-column-participants = Участники
compare-column-pairs = Работающие пары
compare-column-completion = Анкеты заполнены, %
compare-column-satisfaction = Удовлетворённость (1–10)
compare-chart-title = Сравнение: { $what }
compare-chart-first = (первые { $shown } из { $count })
