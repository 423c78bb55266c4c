/* i18n: every string of the page chrome in both languages, the page's language and its plural rules. */

const I18N = {
  ru: {
    title: 'Наставничество — демо',
    clock_label: 'Сейчас в демо:',
    busy: 'время идёт…',
    move_time: 'Перемотать время',
    plus_hour: '+1 час', plus_day: '+1 день', plus_week: '+1 неделя',
    add_person: 'Добавить человека', new_group: 'Новая группа',
    language: 'Язык страницы',
    hint: 'Это локальный демо-мессенджер: бот настоящий, сообщения никуда не уходят.',
    loading: 'Загрузка…',
    offline: 'Нет связи с демо-сервером. Переподключаемся…',
    no_chats: 'Чатов пока нет — добавьте человека.',
    chats: 'Чаты',
    placeholder: 'Сообщение', send: 'Отправить', menu: 'Меню', menu_title: 'Команды бота',
    no_commands: 'У бота нет команд для этого чата',
    kb_toggle: 'Клавиатура бота', start: 'Запустить', edited: 'изменено',
    scroll_down: 'К последним сообщениям',
    writing_as: 'Пишет', no_members: 'В группе нет людей — добавьте участника.',
    open_as: 'Открыть как…', open_as_text: 'Ссылка ведёт в бота. Кто по ней переходит?',
    cancel: 'Отмена', save: 'Сохранить', add: 'Добавить', ok: 'OK', close: 'Закрыть',
    new_person: 'Новый человек', person_name: 'Имя', person_name_ph: 'Например, Петя',
    person_hint: 'Роль (подсказка под именем)', hint_none: 'без подсказки',
    name_required: 'Введите имя.',
    group_title: 'Название', group_title_ph: 'Пара Маша–Коля',
    group_members: 'Участники (бот добавится сам)', title_required: 'Введите название.',
    members_required: 'Отметьте хотя бы одного человека.', nobody: 'Людей пока нет.',
    add_member: '+ участник', add_member_h: 'Добавить в группу «{title}»',
    add_member_who: 'Кого добавить', nobody_to_add: 'Все люди уже в этой группе.',
    members: { one: '{n} участник', few: '{n} участника', many: '{n} участников', other: '{n} участника' },
    roles: { curator: 'куратор', mentor_teacher: 'наставник (педагог)',
             mentee_teacher: 'молодой педагог', pupil: 'ученик' },
    bot: 'бот', photo: 'Фото', open_photo: 'Открыть фото', document: 'Документ', kb: 'КБ',
    copied: 'Скопировано', unsupported: 'Такие сообщения демо не показывает',
    unsupported_button: 'Эта кнопка в демо не работает', spoiler: 'Скрытый текст: нажмите, чтобы показать',
    svc_created: 'Группа «{title}» создана', svc_added: 'В группу добавлены: {names}',
    svc_left: '{name} покидает группу', svc_title: 'Новое название группы: «{title}»',
    svc_pinned: 'Сообщение закреплено',
  },
  en: {
    title: 'Mentoring — demo',
    clock_label: 'Demo time:',
    busy: 'time is moving…',
    move_time: 'Move time forward',
    plus_hour: '+1 hour', plus_day: '+1 day', plus_week: '+1 week',
    add_person: 'Add a person', new_group: 'New group',
    language: 'Page language',
    hint: 'This is a local demo messenger: the bot is real, messages go nowhere.',
    loading: 'Loading…',
    offline: 'No connection to the demo server. Reconnecting…',
    no_chats: 'No chats yet — add a person.',
    chats: 'Chats',
    placeholder: 'Message', send: 'Send', menu: 'Menu', menu_title: "The bot's commands",
    no_commands: 'The bot has no commands for this chat',
    kb_toggle: "The bot's keyboard", start: 'Start', edited: 'edited',
    scroll_down: 'To the latest messages',
    writing_as: 'Writing as', no_members: 'Nobody is in this group — add a member.',
    open_as: 'Open as…', open_as_text: 'The link leads to the bot. Who follows it?',
    cancel: 'Cancel', save: 'Save', add: 'Add', ok: 'OK', close: 'Close',
    new_person: 'New person', person_name: 'Name', person_name_ph: 'E.g. Pete',
    person_hint: 'Role (a hint under the name)', hint_none: 'no hint',
    name_required: 'Enter a name.',
    group_title: 'Title', group_title_ph: 'Pair Masha–Kolya',
    group_members: 'Members (the bot joins by itself)', title_required: 'Enter a title.',
    members_required: 'Tick at least one person.', nobody: 'Nobody here yet.',
    add_member: '+ member', add_member_h: 'Add to “{title}”',
    add_member_who: 'Who joins', nobody_to_add: 'Everybody is in this group already.',
    members: { one: '{n} member', other: '{n} members' },
    roles: { curator: 'curator', mentor_teacher: 'mentor teacher',
             mentee_teacher: 'mentee teacher', pupil: 'pupil' },
    bot: 'bot', photo: 'Photo', open_photo: 'Open the photo', document: 'Document', kb: 'KB',
    copied: 'Copied', unsupported: 'The demo does not show messages of this kind',
    unsupported_button: 'This button does not work in the demo', spoiler: 'Hidden text: click to show',
    svc_created: 'Group “{title}” created', svc_added: 'Added to the group: {names}',
    svc_left: '{name} left the group', svc_title: 'New group title: “{title}”',
    svc_pinned: 'Message pinned',
  },
};
export const LANGS = ['ru', 'en'];
export const LOCALES = { ru: 'ru-RU', en: 'en-GB' };
export const HINTS = ['curator', 'mentor_teacher', 'mentee_teacher', 'pupil'];

export let lang = loadLang();

function loadLang() {
  try {
    const stored = localStorage.getItem('demo.lang');
    if (LANGS.includes(stored)) return stored;
  } catch (_) { /* storage may be disabled */ }
  return 'ru';
}

export function t(key, vars) {
  let s = I18N[lang][key] ?? I18N.ru[key] ?? key;
  if (vars && typeof s === 'string') s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function plural(key, n) {
  const forms = t(key);
  const form = new Intl.PluralRules(LOCALES[lang]).select(n);
  return (forms[form] ?? forms.other).replace('{n}', String(n));
}

export function applyStaticStrings() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
  for (const code of LANGS) document.getElementById(`lang-${code}`).setAttribute('aria-pressed', String(code === lang));
}

// the page's language from now on, remembered for the next visit
export function storeLang(code) {
  lang = code;
  try { localStorage.setItem('demo.lang', code); } catch (_) { /* ignore */ }
}
