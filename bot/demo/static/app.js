/* The demo messenger page: one column per person (their private chat with the bot) and one per
   group, talking to bot/demo/web.py. Plain DOM, no framework. Everything the server sends is
   untrusted: text goes into the page through textContent / text nodes only, never innerHTML. */
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------
  // i18n: every string of the page chrome
  // ---------------------------------------------------------------------------------------
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
  const LANGS = ['ru', 'en'];
  const LOCALES = { ru: 'ru-RU', en: 'en-GB' };
  const HINTS = ['curator', 'mentor_teacher', 'mentee_teacher', 'pupil'];
  const AVATAR_COLORS = ['#e17076', '#faa774', '#a695e7', '#7bc862', '#6ec9cb', '#65aadd', '#ee7aae'];
  const NAME_COLORS = ['#c9453d', '#c7711d', '#7e58c9', '#3d9a2e', '#1e9393', '#2f7cc0', '#c2437f'];

  let lang = loadLang();

  function loadLang() {
    try {
      const stored = localStorage.getItem('demo.lang');
      if (LANGS.includes(stored)) return stored;
    } catch (_) { /* storage may be disabled */ }
    return 'ru';
  }

  function t(key, vars) {
    let s = I18N[lang][key] ?? I18N.ru[key] ?? key;
    if (vars && typeof s === 'string') s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  function plural(key, n) {
    const forms = t(key);
    const form = new Intl.PluralRules(LOCALES[lang]).select(n);
    return (forms[form] ?? forms.other).replace('{n}', String(n));
  }

  function applyStaticStrings() {
    document.documentElement.lang = lang;
    document.title = t('title');
    for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria));
    for (const code of LANGS) document.getElementById(`lang-${code}`).setAttribute('aria-pressed', String(code === lang));
  }

  async function setLang(code) {
    if (!LANGS.includes(code)) return;
    lang = code;
    try { localStorage.setItem('demo.lang', code); } catch (_) { /* ignore */ }
    applyStaticStrings();
    renderAll();
    try { await api('/api/language', { language: code }); } catch (err) { toast(null, err.message); }
  }

  // ---------------------------------------------------------------------------------------
  // small DOM helpers
  // ---------------------------------------------------------------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else if (key === 'value' || key === 'checked') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    node.append(...children.filter((c) => c != null && c !== false));  // strings become text nodes
    return node;
  }

  const ICONS = {
    send: 'M2.5 20.5 22 12 2.5 3.5v6.6L16 12 2.5 13.9z',
    keyboard: 'M20 5H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm-9 3h2v2h-2zm0 3h2v2h-2zM8 8h2v2H8zm0 3h2v2H8zm-1 2H5v-2h2zm0-3H5V8h2zm9 7H8v-2h8zm0-4h-2v-2h2zm0-3h-2V8h2zm3 3h-2v-2h2zm0-3h-2V8h2z',
    file: 'M6 2a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8l-6-6zm7 7V3.5L18.5 9z',
    link: 'M14 3v2h3.6l-9.8 9.8 1.4 1.4L19 6.4V10h2V3zM19 19H5V5h7V3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2v-7h-2z',
    down: 'M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6z',
    check: 'M1.5 8.5 5 12l7.5-8M7.5 12l7.5-8',
    group: 'M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0c-.3 0-.6 0-1 .1 1.2.8 2 2 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z',
  };

  function icon(name, cls) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', name === 'check' ? '0 0 16 16' : '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', `icon ${cls || ''}`);
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', ICONS[name]);
    svg.append(path);
    return svg;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const str = (value) => (typeof value === 'string' ? value : value == null ? '' : String(value));

  function initials(first, last) {
    const a = Array.from(str(first).trim())[0] || '';
    const b = Array.from(str(last).trim())[0] || '';
    return (a + b).toUpperCase() || '?';
  }

  function avatar(id, first, last, cls) {
    const node = el('span', { class: `avatar ${cls || ''}`, 'aria-hidden': 'true' }, initials(first, last));
    node.style.background = AVATAR_COLORS[Math.abs(Number(id) || 0) % AVATAR_COLORS.length];
    return node;
  }

  // ---------------------------------------------------------------------------------------
  // talking to the server
  // ---------------------------------------------------------------------------------------
  async function api(path, body) {
    let response;
    try {
      response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                     body: JSON.stringify(body) });
    } catch (_) {
      throw new Error(t('offline'));
    }
    let data = null;
    try { data = await response.json(); } catch (_) { /* not JSON */ }
    if (!response.ok || (data && data.error)) {
      throw new Error(str(data && data.error) || `${response.status} ${response.statusText}`);
    }
    return data || {};
  }

  // ---------------------------------------------------------------------------------------
  // state polling
  // ---------------------------------------------------------------------------------------
  const S = {
    data: null,          // the last state from the server
    version: 0,
    cols: new Map(),     // chat id -> column (its DOM nodes and per-column UI state)
    activeChat: null,    // the column shown on phone-sized screens
    pendingFocus: null,  // {person} or {chat}: scroll there once it appears
    clock: null,         // {base: ms, at: ms, tz}
    movingTime: false,
    tabsKey: '',
  };

  async function pollLoop() {
    for (;;) {
      try {
        const response = await fetch(`/api/state?after=${S.version}`, { cache: 'no-store' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const data = await response.json();
        setOnline(true);
        if (!S.data || data.version !== S.version) {
          S.version = Number(data.version) || 0;
          applyState(data);
        }
      } catch (_) {
        setOnline(false);
        S.version = 0;  // the server may have restarted: ask for everything again
        await sleep(1000);
      }
    }
  }

  function setOnline(online) {
    document.getElementById('connection').hidden = online;
  }

  function applyState(data) {
    S.data = {
      ...data,
      people: Array.isArray(data.people) ? data.people : [],
      chats: Array.isArray(data.chats) ? data.chats : [],
      bot: data.bot || {},
    };
    setClock(data.clock);
    renderAll();
  }

  function renderAll() {
    if (!S.data) return;
    renderTopbar();
    renderColumns();
    renderTabs();
    resolvePendingFocus();
  }

  const personById = (id) => S.data.people.find((p) => p.id === id) || null;
  const fullName = (p) => (p ? [p.first_name, p.last_name].map(str).filter(Boolean).join(' ') : '');

  // ---------------------------------------------------------------------------------------
  // the top bar: clock and time control
  // ---------------------------------------------------------------------------------------
  function parseTime(iso) {
    // Python's isoformat may carry microseconds; keep milliseconds for Date.parse
    const ms = Date.parse(str(iso).replace(/(\.\d{3})\d+/, '$1'));
    return Number.isNaN(ms) ? Date.now() : ms;
  }

  function setClock(clock) {
    if (!clock) return;
    S.clock = { base: parseTime(clock.now), at: Date.now(), tz: validZone(clock.timezone) };
    renderClock();
  }

  function validZone(tz) {
    try { new Intl.DateTimeFormat('en', { timeZone: tz }); return tz; } catch (_) { return undefined; }
  }

  const demoNow = () => (S.clock ? S.clock.base + (Date.now() - S.clock.at) : Date.now());
  const zone = () => (S.clock ? S.clock.tz : undefined);

  const formatters = new Map();
  function fmt(options) {
    const key = `${lang}|${zone()}|${JSON.stringify(options)}`;
    if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(LOCALES[lang], { ...options, timeZone: zone() }));
    return formatters.get(key);
  }

  function parts(ms, options) {
    const out = {};
    for (const p of fmt(options).formatToParts(ms)) out[p.type] = p.value;
    return out;
  }

  function formatClock(ms) {
    const p = parts(ms, { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return `${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
  }

  const formatHM = (ms) => {
    const p = parts(ms, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    return `${p.hour}:${p.minute}`;
  };

  const dayKey = (ms) => {
    const p = parts(ms, { year: 'numeric', month: '2-digit', day: '2-digit' });
    return `${p.year}-${p.month}-${p.day}`;
  };

  function dayLabel(ms) {
    const p = parts(ms, { day: 'numeric', month: 'long', year: 'numeric' });
    const thisYear = parts(demoNow(), { year: 'numeric' }).year;
    return p.year === thisYear ? `${p.day} ${p.month}` : `${p.day} ${p.month} ${p.year}`;
  }

  function renderClock() {
    const value = document.querySelector('#demo-clock .clock-value');
    if (S.clock) value.textContent = formatClock(demoNow());
  }

  function renderTopbar() {
    renderClock();
    const busy = Boolean(S.data && S.data.busy) || S.movingTime;
    document.querySelector('.busy-note').hidden = !busy;
    for (const button of document.querySelectorAll('button[data-advance]')) button.disabled = busy;
  }

  async function moveTime(seconds) {
    if (S.movingTime) return;
    S.movingTime = true;
    renderTopbar();
    try {
      const answer = await api('/api/time', { seconds });
      setClock(answer.clock);
    } catch (err) {
      toast(null, err.message);
    } finally {
      S.movingTime = false;
      renderTopbar();
    }
  }

  // ---------------------------------------------------------------------------------------
  // columns and tabs
  // ---------------------------------------------------------------------------------------
  function renderColumns() {
    const root = document.getElementById('columns');
    const note = document.getElementById('columns-note');
    const chats = S.data.chats;
    note.hidden = chats.length > 0;
    note.dataset.i18n = 'no_chats';
    note.textContent = t('no_chats');

    const seen = new Set();
    let cursor = root.firstChild;
    for (const chat of chats) {
      const id = String(chat.id);
      if (seen.has(id)) continue;
      seen.add(id);
      let col = S.cols.get(id);
      if (!col) {
        col = createColumn(chat);
        S.cols.set(id, col);
      }
      if (col.section === cursor) cursor = cursor.nextSibling;
      else root.insertBefore(col.section, cursor);
      updateColumn(col, chat);
    }
    for (const [id, col] of S.cols) {
      if (!seen.has(id)) { col.section.remove(); S.cols.delete(id); }
    }
    if (!S.cols.has(S.activeChat)) S.activeChat = chats.length ? String(chats[0].id) : null;
    applyActive();
  }

  function chatName(chat) {
    if (chat.type === 'private') return fullName(personById(chat.person)) || str(chat.title);
    return str(chat.title);
  }

  function renderTabs() {
    const nav = document.getElementById('tabs');
    const chats = S.data.chats;
    const key = JSON.stringify([lang, chats.map((c) => [c.id, chatName(c), c.type])]);
    if (key === S.tabsKey) return;
    S.tabsKey = key;
    nav.replaceChildren(...chats.map((chat) => el('button', {
      type: 'button', class: `tab ${chat.type === 'private' ? 'tab-person' : 'tab-group'}`, role: 'tab',
      'data-chat': chat.id, 'aria-selected': String(String(chat.id) === S.activeChat),
      onclick: () => focusChat(String(chat.id), false),
    }, chat.type === 'private' ? null : icon('group'),
       chat.type === 'private' ? str(personById(chat.person)?.first_name) || chatName(chat) : chatName(chat))));
  }

  function applyActive() {
    for (const [id, col] of S.cols) {
      const active = id === S.activeChat;
      const wasActive = col.section.classList.contains('active');
      col.section.classList.toggle('active', active);
      if (active && !wasActive && col.stick) requestAnimationFrame(() => scrollToBottom(col));
    }
    for (const tab of document.querySelectorAll('#tabs .tab')) {
      tab.setAttribute('aria-selected', String(tab.dataset.chat === S.activeChat));
    }
  }

  function focusChat(id, highlight = true) {
    const col = S.cols.get(String(id));
    if (!col) return;
    S.activeChat = String(id);
    applyActive();
    col.section.scrollIntoView({ behavior: 'smooth', block: 'nearest', inline: 'center' });
    document.querySelector(`#tabs .tab[data-chat="${CSS.escape(String(id))}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    if (highlight) {
      col.section.classList.remove('highlight');
      void col.section.offsetWidth;  // restart the animation
      col.section.classList.add('highlight');
      setTimeout(() => col.section.classList.remove('highlight'), 1700);
    }
  }

  function privateChatOf(personId) {
    return S.data.chats.find((c) => c.type === 'private' && c.person === personId) || null;
  }

  function resolvePendingFocus() {
    const want = S.pendingFocus;
    if (!want) return;
    const chat = want.person != null ? privateChatOf(want.person) : S.data.chats.find((c) => c.id === want.chat);
    if (chat && S.cols.has(String(chat.id))) {
      S.pendingFocus = null;
      requestAnimationFrame(() => focusChat(String(chat.id)));
    }
  }

  // ---------------------------------------------------------------------------------------
  // one chat column
  // ---------------------------------------------------------------------------------------
  function createColumn(chat) {
    const col = { id: String(chat.id), chat, msgs: new Map(), days: new Map(), stick: true,
                  kbShapeKey: null, kbHidden: false, menuKey: null, sender: null, sendersKey: null };
    const isPrivate = chat.type === 'private';
    col.section = el('section', { class: `chat ${isPrivate ? 'chat-private' : 'chat-group'}`,
                                  'data-chat': chat.id, 'data-person': isPrivate ? chat.person : null });
    col.avatarSlot = el('span', { class: 'avatar-slot' });
    col.nameEl = el('div', { class: 'chat-name' });
    col.subEl = el('div', { class: 'chat-sub' });
    col.addMember = isPrivate ? null : el('button', { type: 'button', class: 'add-member', onclick: () => addMemberDialog(col) });
    const header = el('header', { class: 'chat-header' }, col.avatarSlot,
                      el('div', { class: 'chat-heading' }, col.nameEl, col.subEl), col.addMember);

    col.list = el('div', { class: 'messages', role: 'log', tabindex: '0' });
    col.list.addEventListener('scroll', () => {
      col.stick = atBottom(col.list);
      col.downButton.hidden = col.stick;
    }, { passive: true });
    col.toasts = el('div', { class: 'toast-host', 'aria-live': 'polite' });
    col.downButton = el('button', { type: 'button', class: 'scroll-down', hidden: true,
                                    onclick: () => scrollToBottom(col, true) }, icon('down'));
    const body = el('div', { class: 'messages-wrap' }, col.list, col.toasts, col.downButton);

    col.section.append(header, body, createFooter(col));
    return col;
  }

  function createFooter(col) {
    col.senderSelect = el('select', { class: 'sender', onchange: () => { col.sender = Number(col.senderSelect.value); } });
    col.senderLabel = el('label', { class: 'sender-label' });
    col.senderRow = el('div', { class: 'sender-row', hidden: true }, col.senderLabel, col.senderSelect);
    col.noMembers = el('div', { class: 'no-members', hidden: true });

    col.menuButton = el('button', { type: 'button', class: 'menu-button', 'aria-haspopup': 'true',
                                    'aria-expanded': 'false', onclick: () => toggleMenu(col) }, '/');
    col.textarea = el('textarea', { class: 'compose', rows: '1' });
    col.textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendFromComposer(col);
      }
    });
    col.textarea.addEventListener('input', () => autosize(col.textarea));
    col.kbToggle = el('button', { type: 'button', class: 'kb-toggle', hidden: true, 'aria-pressed': 'true',
                                  onclick: () => { col.kbHidden = !col.kbHidden; renderReplyKeyboard(col); } }, icon('keyboard'));
    col.sendButton = el('button', { type: 'button', class: 'send', onclick: () => sendFromComposer(col) }, icon('send'));
    col.composeRow = el('div', { class: 'compose-row' }, col.menuButton, col.textarea, col.kbToggle, col.sendButton);
    col.menu = el('div', { class: 'menu-popover', role: 'menu', hidden: true });
    col.replyKeyboard = el('div', { class: 'reply-keyboard', hidden: true });
    col.startButton = el('button', { type: 'button', class: 'start-button', hidden: true,
                                     onclick: () => startChat(col) });
    col.footer = el('footer', { class: 'chat-footer' }, col.menu, col.senderRow, col.noMembers,
                    col.composeRow, col.replyKeyboard, col.startButton);
    return col.footer;
  }

  function updateColumn(col, chat) {
    col.chat = chat;
    const wasBottom = col.stick;
    renderColumnHeader(col);
    renderMessages(col);
    renderFooter(col);
    if (wasBottom) scrollToBottom(col);
  }

  function renderColumnHeader(col) {
    const chat = col.chat;
    const name = chatName(chat);
    col.nameEl.textContent = name;
    col.section.setAttribute('aria-label', name);
    if (chat.type === 'private') {
      const person = personById(chat.person);
      const hint = person && HINTS.includes(person.hint) ? t('roles')[person.hint] : '';
      col.subEl.textContent = hint;
      col.subEl.hidden = !hint;
      col.avatarSlot.replaceChildren(avatar(chat.person, person?.first_name ?? name, person?.last_name));
    } else {
      const members = (chat.members || []).map(personById).filter(Boolean);
      const names = members.map((p) => str(p.first_name)).join(', ');
      col.subEl.textContent = members.length ? `${plural('members', members.length)} · ${names}` : plural('members', 0);
      col.subEl.title = [...members.map(fullName), `${str(S.data.bot.first_name)} (${t('bot')})`].join(', ');
      col.subEl.hidden = false;
      col.avatarSlot.replaceChildren(avatar(chat.id, ...name.split(/\s+/)));
      col.addMember.textContent = t('add_member');
    }
  }

  function atBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  }

  function scrollToBottom(col, smooth = false) {
    col.list.scrollTo({ top: col.list.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
    col.stick = true;
    col.downButton.hidden = true;
  }

  function renderMessages(col) {
    const chat = col.chat;
    const messages = Array.isArray(chat.messages) ? chat.messages : [];
    const context = [lang, zone(), chat.type, str(S.data.bot.username)].join('|');
    const wanted = [];
    const seenMsgs = new Set();
    const seenDays = new Set();
    let previousDay = null;
    for (const message of messages) {
      if (!message || message.message_id == null) continue;
      const ms = (Number(message.date) || 0) * 1000;
      const day = dayKey(ms);
      if (day !== previousDay) {
        previousDay = day;
        let chip = col.days.get(day);
        if (!chip) { chip = el('div', { class: 'day-chip' }, el('span')); col.days.set(day, chip); }
        chip.firstChild.textContent = dayLabel(ms);
        seenDays.add(day);
        wanted.push(chip);
      }
      const id = String(message.message_id);
      seenMsgs.add(id);
      const key = `${context}|${JSON.stringify(message)}`;
      let record = col.msgs.get(id);
      if (!record || record.key !== key) {
        const node = renderMessage(message, col);
        if (record) record.node.replaceWith(node);
        record = { node, key };
        col.msgs.set(id, record);
      }
      wanted.push(record.node);
    }
    // put the nodes in order, moving only those out of place
    let cursor = col.list.firstChild;
    for (const node of wanted) {
      if (node === cursor) cursor = cursor.nextSibling;
      else col.list.insertBefore(node, cursor);
    }
    while (cursor) { const next = cursor.nextSibling; cursor.remove(); cursor = next; }
    for (const id of col.msgs.keys()) if (!seenMsgs.has(id)) col.msgs.delete(id);
    for (const day of col.days.keys()) if (!seenDays.has(day)) col.days.delete(day);
  }

  // ---------------------------------------------------------------------------------------
  // the input area: composer, menu, reply keyboard, Start
  // ---------------------------------------------------------------------------------------
  function renderFooter(col) {
    const chat = col.chat;
    const notStarted = chat.type === 'private' && chat.started === false;
    col.startButton.hidden = !notStarted;
    col.startButton.textContent = t('start');

    let canWrite = !notStarted;
    if (chat.type !== 'private') {
      const members = (chat.members || []).map(personById).filter(Boolean);
      const key = JSON.stringify([lang, members.map((p) => [p.id, fullName(p)])]);
      if (key !== col.sendersKey) {
        col.sendersKey = key;
        col.senderSelect.replaceChildren(...members.map((p) => el('option', { value: String(p.id) }, fullName(p))));
      }
      if (!members.some((p) => p.id === col.sender)) col.sender = members.length ? members[0].id : null;
      if (col.sender != null) col.senderSelect.value = String(col.sender);
      const selectId = `sender-${col.id}`;
      col.senderSelect.id = selectId;
      col.senderLabel.htmlFor = selectId;
      col.senderLabel.textContent = t('writing_as');
      col.senderRow.hidden = !members.length;
      col.noMembers.hidden = members.length > 0;
      col.noMembers.textContent = t('no_members');
      canWrite = members.length > 0;
    }
    col.composeRow.hidden = !canWrite;
    const keyboard = validKeyboard(chat.reply_keyboard);
    col.textarea.placeholder = str(keyboard && keyboard.input_field_placeholder) || t('placeholder');
    col.textarea.setAttribute('aria-label', t('placeholder'));
    col.menuButton.setAttribute('aria-label', t('menu'));
    col.menuButton.title = t('menu');
    col.sendButton.setAttribute('aria-label', t('send'));
    col.sendButton.title = t('send');
    col.kbToggle.setAttribute('aria-label', t('kb_toggle'));
    col.kbToggle.title = t('kb_toggle');
    col.downButton.setAttribute('aria-label', t('scroll_down'));
    if (!col.menu.hidden) fillMenu(col);
    renderReplyKeyboard(col, canWrite);
  }

  function validKeyboard(kb) {
    return kb && typeof kb === 'object' && Array.isArray(kb.keyboard) ? kb : null;
  }

  function renderReplyKeyboard(col, canWrite = !col.composeRow.hidden) {
    const keyboard = validKeyboard(col.chat.reply_keyboard);
    const shape = JSON.stringify(keyboard);
    if (shape !== col.kbShapeKey) {  // a new keyboard from the bot is shown again
      col.kbShapeKey = shape;
      col.kbHidden = false;
      col.replyKeyboard.replaceChildren(...(keyboard ? keyboard.keyboard : []).filter(Array.isArray).map((row) =>
        el('div', { class: 'reply-row' }, ...row.map((button) => {
          const text = typeof button === 'string' ? button : str(button && button.text);
          return el('button', { type: 'button', class: 'reply-button', onclick: () => {
            if (keyboard.one_time_keyboard) { col.kbHidden = true; renderReplyKeyboard(col); }
            sendText(col, text);
          } }, text);
        }))));
    }
    const wasBottom = col.stick;
    col.kbToggle.hidden = !keyboard || !canWrite;
    col.kbToggle.setAttribute('aria-pressed', String(!col.kbHidden));
    col.replyKeyboard.hidden = !keyboard || !canWrite || col.kbHidden;
    if (wasBottom) scrollToBottom(col);
  }

  function autosize(textarea) {
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight + 2, 160)}px`;
  }

  function senderOf(col) {
    return col.chat.type === 'private' ? col.chat.person : col.sender;
  }

  async function sendText(col, text) {
    const person = senderOf(col);
    if (!text.trim() || person == null) return false;
    try {
      await api('/api/send', { person, chat: col.chat.id, text });
      scrollToBottom(col);
      return true;
    } catch (err) {
      toast(col, err.message);
      return false;
    }
  }

  async function sendFromComposer(col) {
    const text = col.textarea.value.trim();
    if (!text) return;
    col.textarea.value = '';
    autosize(col.textarea);
    if (!(await sendText(col, text)) && !col.textarea.value) {
      col.textarea.value = text;  // keep what was typed when it could not be sent
      autosize(col.textarea);
    }
  }

  async function startChat(col) {
    try {
      await api('/api/start', { person: col.chat.person, payload: null });
    } catch (err) {
      toast(col, err.message);
    }
  }

  function toggleMenu(col, open = col.menu.hidden) {
    closeMenus(col);
    if (!open && col.menu.contains(document.activeElement)) col.textarea.focus();
    col.menu.hidden = !open;
    col.menuButton.setAttribute('aria-expanded', String(open));
    if (open) {
      col.menuKey = null;
      fillMenu(col);
      col.menu.querySelector('button')?.focus();
    }
  }

  function fillMenu(col) {
    const commands = (Array.isArray(col.chat.commands) ? col.chat.commands : []).filter((c) => c && c.command);
    const key = JSON.stringify([lang, commands]);
    if (key === col.menuKey) return;  // rebuilt only when it changed, so focus stays put
    col.menuKey = key;
    const items = commands.map((c) => el('button', {
      type: 'button', class: 'menu-command', role: 'menuitem',
      onclick: () => { toggleMenu(col, false); sendText(col, `/${str(c.command)}`); },
    }, el('span', { class: 'menu-desc' }, str(c.description) || `/${str(c.command)}`),
       el('span', { class: 'menu-cmd' }, `/${str(c.command)}`)));
    col.menu.setAttribute('aria-label', t('menu_title'));
    col.menu.replaceChildren(el('div', { class: 'menu-title' }, t('menu_title')),
      ...(items.length ? items : [el('div', { class: 'menu-empty' }, t('no_commands'))]));
  }

  function closeMenus(except) {
    for (const col of S.cols.values()) {
      if (col !== except && !col.menu.hidden) {
        if (col.menu.contains(document.activeElement)) col.menuButton.focus();
        col.menu.hidden = true;
        col.menuButton.setAttribute('aria-expanded', 'false');
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // one message
  // ---------------------------------------------------------------------------------------
  const SERVICE_KEYS = ['new_chat_members', 'left_chat_member', 'group_chat_created', 'new_chat_title', 'pinned_message'];

  function senderName(user) {
    if (!user) return '';
    if (user.is_bot && user.id === S.data.bot.id) return str(S.data.bot.first_name) || str(user.first_name);
    return str(user.first_name) || str(user.username);
  }

  function renderMessage(m, col) {
    const fromBot = Boolean(m.from && m.from.is_bot);
    const cls = `message ${fromBot ? 'from-bot' : 'from-person'}`;
    if (SERVICE_KEYS.some((k) => m[k]) && m.text == null && m.caption == null) {
      return el('div', { class: `${cls} service`, 'data-message-id': m.message_id },
                el('span', { class: 'service-text' }, serviceText(m)));
    }
    const group = col.chat.type !== 'private';
    const node = el('div', { class: cls, 'data-message-id': m.message_id });
    const body = el('div', { class: 'msg-body' });
    const bubble = el('div', { class: 'bubble' });
    if (group && m.from) {
      const author = el('div', { class: 'author' }, senderName(m.from));
      author.style.color = NAME_COLORS[Math.abs(Number(m.from.id) || 0) % NAME_COLORS.length];
      bubble.append(author);
    }
    if (m.reply_to_message) bubble.append(renderReplyQuote(m.reply_to_message, col));

    const hasPhoto = Array.isArray(m.photo) && m.photo.length > 0;
    if (hasPhoto) { node.classList.add('has-photo'); bubble.append(renderPhoto(m, col)); }
    if (m.document) bubble.append(renderDocument(m));

    const text = m.text != null ? str(m.text) : m.caption != null ? str(m.caption) : null;
    const entities = m.text != null ? m.entities : m.caption_entities;
    const meta = renderMeta(m, fromBot);
    if (text) {
      const textNode = el('div', { class: 'text', dir: 'auto' });
      textNode.append(renderRich(text, Array.isArray(entities) ? entities : [], col),
                      el('span', { class: `meta-spacer${m.edit_date ? ' wide' : ''}`, 'aria-hidden': 'true' }));
      bubble.append(textNode);
    } else if (hasPhoto) {
      meta.classList.add('overlay');
    } else if (!m.document) {
      bubble.append(el('div', { class: 'text unsupported' }, t('unsupported'),
                       el('span', { class: 'meta-spacer', 'aria-hidden': 'true' })));
    } else {
      bubble.classList.add('no-text');
    }
    bubble.append(meta);
    body.append(bubble);
    const keyboard = renderInlineKeyboard(m, col);
    if (keyboard) body.append(keyboard);
    node.append(body);
    return node;
  }

  function serviceText(m) {
    const names = (users) => (Array.isArray(users) ? users : [users]).map(senderName).filter(Boolean).join(', ');
    if (m.group_chat_created) return t('svc_created', { title: str(m.chat && m.chat.title) });
    if (m.new_chat_members) return t('svc_added', { names: names(m.new_chat_members) });
    if (m.left_chat_member) return t('svc_left', { name: names(m.left_chat_member) });
    if (m.new_chat_title) return t('svc_title', { title: str(m.new_chat_title) });
    return t('svc_pinned');
  }

  function renderMeta(m, fromBot) {
    const ms = (Number(m.date) || 0) * 1000;
    return el('span', { class: 'meta' },
              m.edit_date ? el('span', { class: 'edited' }, t('edited')) : null,
              el('time', { datetime: new Date(ms).toISOString() }, formatHM(ms)),
              fromBot ? null : icon('check', 'read'));
  }

  function renderReplyQuote(replied, col) {
    const text = str(replied.text ?? replied.caption) || (replied.photo ? t('photo') : replied.document ? t('document') : '');
    return el('div', { class: 'reply-quote', onclick: () => {
      const target = col.msgs.get(String(replied.message_id));
      if (target) flash(target.node);
    } }, el('div', { class: 'reply-author' }, senderName(replied.from)),
       el('div', { class: 'reply-text' }, text.slice(0, 140)));
  }

  function flash(node) {
    node.scrollIntoView({ behavior: 'smooth', block: 'center' });
    node.classList.remove('flash');
    void node.offsetWidth;
    node.classList.add('flash');
  }

  function safeFileUrl(url) {
    if (typeof url !== 'string' || !url) return null;
    try {
      const parsed = new URL(url, location.href);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (_) { return null; }
  }

  function renderPhoto(m, col) {
    const largest = m.photo[m.photo.length - 1] || {};
    const src = safeFileUrl(m.file_url);
    const img = el('img', { class: 'photo', alt: str(m.caption) || t('photo'), src, decoding: 'async' });
    if (largest.width > 0 && largest.height > 0) img.style.aspectRatio = `${largest.width} / ${largest.height}`;
    img.addEventListener('load', () => { if (col.stick) scrollToBottom(col); });
    return el('button', { type: 'button', class: 'photo-open', 'aria-label': t('open_photo'),
                          onclick: () => src && openLightbox(src, str(m.caption)) }, img);
  }

  function formatSize(bytes) {
    const kb = bytes / 1024;
    const number = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: kb < 10 ? 1 : 0 }).format(kb);
    return `${number} ${t('kb')}`;
  }

  function renderDocument(m) {
    const doc = m.document || {};
    const name = str(doc.file_name) || t('document');
    const href = safeFileUrl(m.file_url);
    const size = Number(doc.file_size) > 0 ? formatSize(Number(doc.file_size)) : '';
    const inner = [el('span', { class: 'doc-icon' }, icon('file')),
                   el('span', { class: 'doc-info' }, el('span', { class: 'doc-name' }, name),
                      el('span', { class: 'doc-size' }, size))];
    if (!href) return el('div', { class: 'document-card disabled' }, ...inner);
    return el('a', { class: 'document document-card', href, download: name, title: name }, ...inner);
  }

  // ---------------------------------------------------------------------------------------
  // a message's text with its entities (they may nest or overlap)
  // ---------------------------------------------------------------------------------------
  function entityTree(length, entities) {
    const order = (a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start);
    const queue = entities
      .filter((e) => e && typeof e.type === 'string' && Number.isInteger(e.offset) && Number.isInteger(e.length)
                     && e.length > 0 && e.offset >= 0 && e.offset < length)
      .map((e) => ({ entity: e, start: e.offset, end: Math.min(length, e.offset + e.length), children: [] }))
      .sort(order);
    const root = { start: 0, end: length, children: [] };
    const stack = [root];
    while (queue.length) {
      const node = queue.shift();
      while (stack.length > 1 && node.start >= stack[stack.length - 1].end) stack.pop();
      const parent = stack[stack.length - 1];
      if (node.end > parent.end) {  // overlaps its parent's end: split it there
        const rest = { entity: node.entity, start: parent.end, end: node.end, children: [] };
        const at = queue.findIndex((other) => order(rest, other) < 0);
        queue.splice(at < 0 ? queue.length : at, 0, rest);
        node.end = parent.end;
      }
      parent.children.push(node);
      stack.push(node);
    }
    return root;
  }

  function renderRich(text, entities, col) {
    const fragment = document.createDocumentFragment();
    appendEntityNode(fragment, entityTree(text.length, entities), text, col);
    return fragment;
  }

  function appendEntityNode(parent, node, text, col) {
    let position = node.start;
    node.children.forEach((child, i) => {
      if (child.start > position) parent.append(text.slice(position, child.start));
      const whole = text.slice(child.entity.offset, child.entity.offset + child.entity.length);
      const [outer, inner] = entityElement(child.entity, whole, col);
      appendEntityNode(inner, child, text, col);
      parent.append(outer);
      position = child.end;
      // a block (pre, quote) ends its line itself: the line break right after it would be an empty line
      const next = node.children[i + 1];
      if (BLOCKS.has(outer.tagName) && text[position] === '\n' && position < node.end && (!next || next.start > position)) position += 1;
    });
    if (position < node.end) parent.append(text.slice(position, node.end));
  }

  const BLOCKS = new Set(['PRE', 'BLOCKQUOTE']);

  function entityElement(entity, whole, col) {
    const simple = { bold: 'strong', italic: 'em', underline: 'u', strikethrough: 's' };
    if (simple[entity.type]) return pair(el(simple[entity.type]));
    switch (entity.type) {
      case 'spoiler': {
        const span = el('span', { class: 'spoiler', tabindex: '0', role: 'button', 'aria-label': t('spoiler') });
        const reveal = (event) => {
          if (span.classList.contains('revealed')) return;
          event.preventDefault();
          event.stopPropagation();
          span.classList.add('revealed');
          span.removeAttribute('role');
          span.removeAttribute('tabindex');
          span.removeAttribute('aria-label');
        };
        span.addEventListener('click', reveal);
        span.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') reveal(e); });
        return pair(span);
      }
      case 'code': {
        const code = el('code', { class: 'inline-code' });
        code.addEventListener('click', () => copyText(whole, col));
        return pair(code);
      }
      case 'pre': {
        const code = el('code');
        const pre = el('pre', { class: 'pre', 'data-language': str(entity.language) || null }, code);
        return [pre, code];
      }
      case 'blockquote': return pair(el('blockquote'));
      case 'expandable_blockquote': {
        const quote = el('blockquote', { class: 'expandable collapsed', tabindex: '0', 'aria-expanded': 'false' });
        const toggle = () => {
          const collapsed = quote.classList.toggle('collapsed');
          quote.setAttribute('aria-expanded', String(!collapsed));
        };
        quote.addEventListener('click', (event) => { if (!event.target.closest('a')) toggle(); });
        quote.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === quote) toggle(); });
        return pair(quote);
      }
      case 'text_link': return pair(linkElement(str(entity.url), col));
      case 'url': return pair(linkElement(whole, col));
      case 'email': return pair(el('a', { href: `mailto:${whole}`, rel: 'noopener noreferrer', target: '_blank' }));
      case 'bot_command': {
        const link = el('a', { href: '#', class: 'bot-command' });
        link.addEventListener('click', (event) => { event.preventDefault(); sendText(col, whole); });
        return pair(link);
      }
      case 'mention': case 'text_mention': return pair(el('span', { class: 'mention' }));
      case 'hashtag': case 'cashtag': return pair(el('span', { class: 'hashtag' }));
      case 'custom_emoji': return pair(el('span', { class: 'custom-emoji' }));
      default: return pair(el('span', { class: `entity-${entity.type.replace(/[^a-z_]/g, '')}` }));
    }
  }

  const pair = (node) => [node, node];

  async function copyText(text, col) {
    try {
      await navigator.clipboard.writeText(text);
      toast(col, t('copied'));
    } catch (_) { /* clipboard not available: nothing to do */ }
  }

  // ---------------------------------------------------------------------------------------
  // links: invitation links to the bot stay in the page
  // ---------------------------------------------------------------------------------------
  function parseInvite(raw) {
    const username = str(S.data && S.data.bot.username).toLowerCase();
    if (!username) return null;
    let text = str(raw).trim();
    let url;
    try {
      if (/^tg:/i.test(text)) {
        url = new URL(text);
        const action = (url.host || url.pathname.replace(/^\/+/, '')).toLowerCase();
        if (action !== 'resolve' || str(url.searchParams.get('domain')).toLowerCase() !== username) return null;
      } else {
        if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
        url = new URL(text);
        if (!['http:', 'https:'].includes(url.protocol)) return null;
        if (!['t.me', 'www.t.me', 'telegram.me', 'www.telegram.me'].includes(url.hostname.toLowerCase())) return null;
        const path = url.pathname.split('/').filter(Boolean);
        if (path.length !== 1 || path[0].toLowerCase() !== username) return null;
      }
    } catch (_) { return null; }
    for (const kind of ['start', 'startgroup']) {
      if (url.searchParams.has(kind)) return { kind, payload: url.searchParams.get(kind) || null };
    }
    return { kind: 'start', payload: null };
  }

  function safeHref(raw) {
    let text = str(raw).trim();
    if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = `http://${text}`;
    try {
      const url = new URL(text);
      return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
    } catch (_) { return null; }
  }

  function linkElement(raw, col) {
    const invite = parseInvite(raw);
    if (invite) {
      const link = el('a', { href: safeHref(raw) || '#', class: 'invite-link' });
      const open = (event) => { event.preventDefault(); openAsDialog(invite, col); };
      link.addEventListener('click', open);
      link.addEventListener('auxclick', open);
      return link;
    }
    const href = safeHref(raw);
    if (!href) return el('span', { class: 'link-broken' });
    return el('a', { href, rel: 'noopener noreferrer', target: '_blank' });
  }

  function openUrl(raw, col) {
    const invite = parseInvite(raw);
    if (invite) { openAsDialog(invite, col); return; }
    const href = safeHref(raw);
    if (href) window.open(href, '_blank', 'noopener,noreferrer');
  }

  // ---------------------------------------------------------------------------------------
  // inline keyboards and presses
  // ---------------------------------------------------------------------------------------
  function renderInlineKeyboard(m, col) {
    const rows = m.reply_markup && Array.isArray(m.reply_markup.inline_keyboard) ? m.reply_markup.inline_keyboard : [];
    const built = rows.filter(Array.isArray).map((row) =>
      el('div', { class: 'inline-row' }, ...row.filter((b) => b && typeof b === 'object').map((b) => inlineButton(b, m, col))));
    return built.length ? el('div', { class: 'inline-keyboard' }, ...built) : null;
  }

  function inlineButton(b, m, col) {
    const button = el('button', { type: 'button', class: 'inline-button' }, el('span', { class: 'label' }, str(b.text)));
    const url = str(b.url || (b.web_app && b.web_app.url) || (b.login_url && b.login_url.url));
    if (typeof b.callback_data === 'string') {
      button.addEventListener('click', () => press(button, m, b.callback_data, col));
    } else if (url) {
      button.classList.add('url-button');
      button.append(icon('link', 'url-icon'));
      button.addEventListener('click', () => openUrl(url, col));
    } else if (b.copy_text && typeof b.copy_text.text === 'string') {
      button.addEventListener('click', () => copyText(b.copy_text.text, col));
    } else {
      button.addEventListener('click', () => toast(col, t('unsupported_button')));
    }
    return button;
  }

  async function press(button, m, data, col) {
    if (button.classList.contains('pending')) return;
    const person = senderOf(col);
    if (person == null) return;
    const spinner = el('span', { class: 'spinner', 'aria-hidden': 'true' });
    button.classList.add('pending');
    button.setAttribute('aria-busy', 'true');
    button.append(spinner);
    try {
      const result = await api('/api/press', { person, chat: col.chat.id, message_id: m.message_id, data });
      const answer = result.answer;
      if (answer && answer.text) {
        if (answer.show_alert) showAlert(str(answer.text));
        else toast(col, str(answer.text));
      }
      if (answer && answer.url) openUrl(str(answer.url), col);
    } catch (err) {
      toast(col, err.message);
    } finally {
      button.classList.remove('pending');
      button.removeAttribute('aria-busy');
      spinner.remove();
    }
  }

  // ---------------------------------------------------------------------------------------
  // toasts and dialogs
  // ---------------------------------------------------------------------------------------
  function toast(col, text) {
    const host = col ? col.toasts : document.getElementById('global-toasts');
    const node = el('div', { class: 'toast', role: 'status' }, text);
    host.append(node);
    setTimeout(() => {
      node.classList.add('hide');
      setTimeout(() => node.remove(), 300);
    }, 2500);
  }

  function openDialog(className, title, ...content) {
    const dialog = el('dialog', { class: `dialog ${className}`, 'aria-label': title || null });
    dialog.append(el('div', { class: 'dialog-body' }, title ? el('h2', { class: 'dialog-title' }, title) : null, ...content));
    dialog.addEventListener('close', () => dialog.remove());
    dialog.addEventListener('click', (event) => { if (event.target === dialog) dialog.close(); });
    document.body.append(dialog);
    dialog.showModal();
    return dialog;
  }

  function showAlert(text) {
    const ok = el('button', { type: 'button', class: 'btn primary alert-ok' }, t('ok'));
    const dialog = openDialog('alert', '', el('p', { class: 'alert-text' }, text), el('div', { class: 'dialog-actions' }, ok));
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-label', text.slice(0, 100));
    ok.addEventListener('click', () => dialog.close());
    ok.focus();
  }

  function openLightbox(src, caption) {
    const dialog = openDialog('lightbox', '', el('img', { src, alt: caption || t('photo') }),
                              caption ? el('p', { class: 'lightbox-caption' }, caption) : null,
                              el('button', { type: 'button', class: 'lightbox-close', 'aria-label': t('close') }, '×'));
    dialog.setAttribute('aria-label', caption || t('photo'));
    dialog.addEventListener('click', () => dialog.close());
  }

  // a form dialog: fields, an error line, Cancel and Save; onSave returns an error text or null
  function formDialog(className, title, fields, saveId, saveLabel, onSave) {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const save = el('button', { type: 'submit', class: 'btn primary', id: saveId }, saveLabel);
    const cancel = el('button', { type: 'button', class: 'btn' }, t('cancel'));
    const form = el('form', { class: 'dialog-form', novalidate: true }, ...fields, error,
                    el('div', { class: 'dialog-actions' }, cancel, save));
    const dialog = openDialog(className, title, form);
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      save.disabled = true;
      error.textContent = '';
      try {
        const problem = await onSave();
        if (problem) error.textContent = problem;
        else dialog.close();
      } catch (err) {
        error.textContent = err.message;
      } finally {
        save.disabled = false;
      }
    });
    form.querySelector('input, select')?.focus();
    return dialog;
  }

  function addPersonDialog() {
    const name = el('input', { type: 'text', id: 'new-person-name', maxlength: '64', autocomplete: 'off',
                               placeholder: t('person_name_ph'), required: true });
    const hint = el('select', { id: 'new-person-hint' }, el('option', { value: '' }, t('hint_none')),
                    ...HINTS.map((h) => el('option', { value: h }, t('roles')[h])));
    formDialog('new-person', t('new_person'), [
      el('label', { class: 'field', for: 'new-person-name' }, t('person_name')), name,
      el('label', { class: 'field', for: 'new-person-hint' }, t('person_hint')), hint,
    ], 'new-person-save', t('add'), async () => {
      const firstName = name.value.trim();
      if (!firstName) return t('name_required');
      const answer = await api('/api/people', { first_name: firstName, hint: hint.value || null });
      if (answer.person && answer.person.id != null) {
        S.pendingFocus = { person: answer.person.id };
        if (S.data) resolvePendingFocus();
      }
      return null;
    });
  }

  function personOption(p, extra) {
    const hint = HINTS.includes(p.hint) ? t('roles')[p.hint] : '';
    return [avatar(p.id, p.first_name, p.last_name, 'small'),
            el('span', { class: 'option-text' }, el('span', { class: 'option-name' }, fullName(p)),
               hint ? el('span', { class: 'option-hint' }, hint) : null), extra];
  }

  function newGroupDialog() {
    const people = S.data ? S.data.people : [];
    const title = el('input', { type: 'text', id: 'new-group-title', maxlength: '128', autocomplete: 'off',
                                placeholder: t('group_title_ph'), required: true });
    const boxes = people.map((p) => el('input', { type: 'checkbox', class: 'new-group-member', value: String(p.id) }));
    const list = el('fieldset', { class: 'member-list' }, el('legend', {}, t('group_members')),
                    ...(people.length ? people.map((p, i) => el('label', { class: 'member-option' }, boxes[i], ...personOption(p)))
                                      : [el('p', { class: 'muted' }, t('nobody'))]));
    formDialog('new-group', t('new_group'), [
      el('label', { class: 'field', for: 'new-group-title' }, t('group_title')), title, list,
    ], 'new-group-save', t('save'), async () => {
      const name = title.value.trim();
      const members = boxes.filter((b) => b.checked).map((b) => Number(b.value));
      if (!name) return t('title_required');
      if (!members.length) return t('members_required');
      const answer = await api('/api/groups', { title: name, members });
      if (answer.chat && answer.chat.id != null) {
        S.pendingFocus = { chat: answer.chat.id };
        if (S.data) resolvePendingFocus();
      }
      return null;
    });
  }

  function addMemberDialog(col) {
    const inside = new Set(col.chat.members || []);
    const candidates = S.data.people.filter((p) => !inside.has(p.id));
    const heading = t('add_member_h', { title: chatName(col.chat) });
    if (!candidates.length) {
      const ok = el('button', { type: 'button', class: 'btn primary' }, t('ok'));
      const dialog = openDialog('add-member', heading, el('p', {}, t('nobody_to_add')), el('div', { class: 'dialog-actions' }, ok));
      ok.addEventListener('click', () => dialog.close());
      return;
    }
    const select = el('select', { id: 'add-member-person' }, ...candidates.map((p) => el('option', { value: String(p.id) }, fullName(p))));
    formDialog('add-member', heading, [el('label', { class: 'field', for: 'add-member-person' }, t('add_member_who')), select],
      'add-member-save', t('add'), async () => {
        await api('/api/groups/members', { chat: col.chat.id, person: Number(select.value) });
        return null;
      });
  }

  function openAsDialog(invite, col) {
    const own = col.chat.type === 'private' ? col.chat.person : null;
    const people = [...S.data.people.filter((p) => p.id !== own), ...S.data.people.filter((p) => p.id === own)];
    const error = el('p', { class: 'form-error', role: 'alert' });
    const buttons = people.map((p) => el('button', { type: 'button', class: 'open-as-person', 'data-person': p.id },
                                         ...personOption(p)));
    const cancel = el('button', { type: 'button', class: 'btn' }, t('cancel'));
    const dialog = openDialog('open-as', t('open_as'),
      el('p', { class: 'muted' }, t('open_as_text')),
      invite.payload ? el('p', { class: 'payload' }, el('code', {}, `start=${invite.payload}`)) : null,
      el('div', { class: 'open-as-list' }, ...buttons), error, el('div', { class: 'dialog-actions' }, cancel));
    cancel.addEventListener('click', () => dialog.close());
    buttons.forEach((button, i) => button.addEventListener('click', async () => {
      const person = people[i].id;
      for (const b of buttons) b.disabled = true;
      try {
        await api('/api/start', { person, payload: invite.payload });
        dialog.close();
        const chat = privateChatOf(person);
        if (chat) focusChat(String(chat.id));
        else S.pendingFocus = { person };
      } catch (err) {
        error.textContent = err.message;
        for (const b of buttons) b.disabled = false;
      }
    }));
    buttons[0]?.focus();
  }

  // ---------------------------------------------------------------------------------------
  // start-up
  // ---------------------------------------------------------------------------------------
  function init() {
    applyStaticStrings();
    for (const button of document.querySelectorAll('button[data-advance]')) {
      button.addEventListener('click', () => moveTime(Number(button.dataset.advance)));
    }
    document.getElementById('add-person').addEventListener('click', addPersonDialog);
    document.getElementById('new-group').addEventListener('click', newGroupDialog);
    for (const code of LANGS) document.getElementById(`lang-${code}`).addEventListener('click', () => setLang(code));
    document.addEventListener('pointerdown', (event) => {
      if (!event.target.closest('.menu-popover, .menu-button')) closeMenus(null);
    });
    document.addEventListener('keydown', (event) => { if (event.key === 'Escape') closeMenus(null); });
    setInterval(renderClock, 10000);
    let stored = null;
    try { stored = localStorage.getItem('demo.lang'); } catch (_) { /* ignore */ }
    if (LANGS.includes(stored)) api('/api/language', { language: stored }).catch(() => {});
    pollLoop();
  }

  init();
})();
