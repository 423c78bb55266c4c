/* A column's input area: composer, sender, menu, reply keyboard, Start. */
import { t, lang } from './i18n.js';
import { el, icon, str } from './dom.js';
import { pageState, personById, fullName } from './state.js';
import { api } from './api.js';
import { scrollToBottom } from './chats.js';
import { toast } from './dialogs.js';

export function createFooter(col) {
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

export function renderFooter(col) {
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

export function senderOf(col) {
  return col.chat.type === 'private' ? col.chat.person : col.sender;
}

export async function sendText(col, text) {
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

export function closeMenus(except) {
  for (const col of pageState.cols.values()) {
    if (col !== except && !col.menu.hidden) {
      if (col.menu.contains(document.activeElement)) col.menuButton.focus();
      col.menu.hidden = true;
      col.menuButton.setAttribute('aria-expanded', 'false');
    }
  }
}
