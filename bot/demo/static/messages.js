/* One message bubble: author, reply quote, photo, document, text, time, and its inline keyboard. */
import { t, LOCALES, lang } from './i18n.js';
import { str, el, icon } from './dom.js';
import { pageState } from './state.js';
import { api } from './api.js';
import { formatHM } from './clock.js';
import { scrollToBottom } from './chats.js';
import { senderOf } from './input-area.js';
import { renderRich, openUrl, copyText } from './entities.js';
import { openLightbox, toast, showAlert } from './dialogs.js';

const NAME_COLORS = ['#c9453d', '#c7711d', '#7e58c9', '#3d9a2e', '#1e9393', '#2f7cc0', '#c2437f'];
const SERVICE_KEYS = ['new_chat_members', 'left_chat_member', 'group_chat_created', 'new_chat_title', 'pinned_message'];

function senderName(user) {
  if (!user) return '';
  if (user.is_bot && user.id === pageState.data.bot.id) return str(pageState.data.bot.first_name) || str(user.first_name);
  return str(user.first_name) || str(user.username);
}

export function renderMessage(m, col) {
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

  let text = m.text != null ? str(m.text) : m.caption != null ? str(m.caption) : null;
  let entities = m.text != null ? m.entities : m.caption_entities;
  // A link's /start payload is the bot's to read: Telegram shows the person only "/start".
  if (!fromBot && text && /^\/start\s+\S/.test(text)) {
    text = '/start';
    entities = [{ type: 'bot_command', offset: 0, length: 6 }];
  }
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
