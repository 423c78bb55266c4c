/* What the page knows: the last state from the server and the page's own, and look-ups in it. */
import { str } from './dom.js';

export const pageState = {
  data: null,          // the last state from the server
  version: 0,
  cols: new Map(),     // chat id -> column (its DOM nodes and per-column UI state)
  activeChat: null,    // the column shown on phone-sized screens
  pendingFocus: null,  // {person} or {chat}: scroll there once it appears
  clock: null,         // {base: ms, at: ms, tz}
  movingTime: false,
  tabsKey: '',
};

export const personById = (id) => pageState.data.people.find((p) => p.id === id) || null;
export const fullName = (p) => (p ? [p.first_name, p.last_name].map(str).filter(Boolean).join(' ') : '');

export function chatName(chat) {
  if (chat.type === 'private') return fullName(personById(chat.person)) || str(chat.title);
  return str(chat.title);
}

export function privateChatOf(personId) {
  return pageState.data.chats.find((c) => c.type === 'private' && c.person === personId) || null;
}
