## Регион, муниципалитеты, координаторы; сравнение муниципалитетов и школ.
region-only = Эта команда — для регионального куратора.
button-curator-municipalities = 🏛 Муниципалитеты
region-title = <b>Муниципалитеты региона: { $count }</b>
region-line = • { $name } — школ: { $schools }, координаторов: { $coordinators }
region-loose-schools = Школ вне муниципалитетов: { $count }. Откройте муниципалитет, чтобы добавить в него школы, пригласить или снять координатора.
button-region-new = ➕ Новый муниципалитет
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
