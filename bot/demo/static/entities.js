/* A message's text with its entities (they may nest or overlap), and its links: invitation links
   to the bot stay in the page. */
import { t } from './i18n.js';
import { el, str } from './dom.js';
import { pageState } from './state.js';
import { sendText } from './input-area.js';
import { toast, openAsDialog } from './dialogs.js';

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

export function renderRich(text, entities, col) {
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

export async function copyText(text, col) {
  try {
    await navigator.clipboard.writeText(text);
    toast(col, t('copied'));
  } catch (_) { /* clipboard not available: nothing to do */ }
}

// ---------------------------------------------------------------------------------------
// links: invitation links to the bot stay in the page
// ---------------------------------------------------------------------------------------
function parseInvite(raw) {
  const username = str(pageState.data && pageState.data.bot.username).toLowerCase();
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

export function openUrl(raw, col) {
  const invite = parseInvite(raw);
  if (invite) { openAsDialog(invite, col); return; }
  const href = safeHref(raw);
  if (href) window.open(href, '_blank', 'noopener,noreferrer');
}
