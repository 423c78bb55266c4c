/* The chats: one column per chat, the tabs for them on phone-sized screens, and the column itself
   (its header and its messages; the input area is in input-area.js). */
import { HINTS, lang, t, plural } from './i18n.js';
import { el, icon, str, avatar } from './dom.js';
import { pageState, personById, fullName, chatName, privateChatOf } from './state.js';
import { zone, dayKey, dayLabel } from './clock.js';
import { createFooter, renderFooter } from './input-area.js';
import { renderMessage } from './messages.js';
import { addMemberDialog } from './dialogs.js';

export function renderColumns() {
  const root = document.getElementById('columns');
  const note = document.getElementById('columns-note');
  const chats = pageState.data.chats;
  note.hidden = chats.length > 0;
  note.dataset.i18n = 'no_chats';
  note.textContent = t('no_chats');

  const seen = new Set();
  let cursor = root.firstChild;
  for (const chat of chats) {
    const id = String(chat.id);
    if (seen.has(id)) continue;
    seen.add(id);
    let col = pageState.cols.get(id);
    if (!col) {
      col = createColumn(chat);
      pageState.cols.set(id, col);
    }
    if (col.section === cursor) cursor = cursor.nextSibling;
    else root.insertBefore(col.section, cursor);
    updateColumn(col, chat);
  }
  for (const [id, col] of pageState.cols) {
    if (!seen.has(id)) { col.section.remove(); pageState.cols.delete(id); }
  }
  if (!pageState.cols.has(pageState.activeChat)) pageState.activeChat = chats.length ? String(chats[0].id) : null;
  applyActive();
}

export function renderTabs() {
  const nav = document.getElementById('tabs');
  const chats = pageState.data.chats;
  const key = JSON.stringify([lang, chats.map((c) => [c.id, chatName(c), c.type])]);
  if (key === pageState.tabsKey) return;
  pageState.tabsKey = key;
  nav.replaceChildren(...chats.map((chat) => el('button', {
    type: 'button', class: `tab ${chat.type === 'private' ? 'tab-person' : 'tab-group'}`, role: 'tab',
    'data-chat': chat.id, 'aria-selected': String(String(chat.id) === pageState.activeChat),
    onclick: () => focusChat(String(chat.id), false),
  }, chat.type === 'private' ? null : icon('group'),
     chat.type === 'private' ? str(personById(chat.person)?.first_name) || chatName(chat) : chatName(chat))));
}

function applyActive() {
  for (const [id, col] of pageState.cols) {
    const active = id === pageState.activeChat;
    const wasActive = col.section.classList.contains('active');
    col.section.classList.toggle('active', active);
    if (active && !wasActive && col.stick) requestAnimationFrame(() => scrollToBottom(col));
  }
  for (const tab of document.querySelectorAll('#tabs .tab')) {
    tab.setAttribute('aria-selected', String(tab.dataset.chat === pageState.activeChat));
  }
}

export function focusChat(id, highlight = true) {
  const col = pageState.cols.get(String(id));
  if (!col) return;
  pageState.activeChat = String(id);
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

export function resolvePendingFocus() {
  const want = pageState.pendingFocus;
  if (!want) return;
  const chat = want.person != null ? privateChatOf(want.person) : pageState.data.chats.find((c) => c.id === want.chat);
  if (chat && pageState.cols.has(String(chat.id))) {
    pageState.pendingFocus = null;
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
    col.subEl.title = [...members.map(fullName), `${str(pageState.data.bot.first_name)} (${t('bot')})`].join(', ');
    col.subEl.hidden = false;
    col.avatarSlot.replaceChildren(avatar(chat.id, ...name.split(/\s+/)));
    col.addMember.textContent = t('add_member');
  }
}

function atBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}

export function scrollToBottom(col, smooth = false) {
  col.list.scrollTo({ top: col.list.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
  col.stick = true;
  col.downButton.hidden = true;
}

function renderMessages(col) {
  const chat = col.chat;
  const messages = Array.isArray(chat.messages) ? chat.messages : [];
  const context = [lang, zone(), chat.type, str(pageState.data.bot.username)].join('|');
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
