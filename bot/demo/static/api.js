/* Talking to the server: its JSON API, and polling it for the state. */
import { t } from './i18n.js';
import { sleep, str } from './dom.js';
import { pageState } from './state.js';
import { setClock, renderTopbar } from './clock.js';
import { renderColumns, renderTabs, resolvePendingFocus } from './chats.js';

export async function api(path, body) {
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
export async function pollLoop() {
  for (;;) {
    try {
      const response = await fetch(`/api/state?after=${pageState.version}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      setOnline(true);
      if (!pageState.data || data.version !== pageState.version) {
        pageState.version = Number(data.version) || 0;
        applyState(data);
      }
    } catch (_) {
      setOnline(false);
      pageState.version = 0;  // the server may have restarted: ask for everything again
      await sleep(1000);
    }
  }
}

function setOnline(online) {
  document.getElementById('connection').hidden = online;
}

function applyState(data) {
  pageState.data = {
    ...data,
    people: Array.isArray(data.people) ? data.people : [],
    chats: Array.isArray(data.chats) ? data.chats : [],
    bot: data.bot || {},
  };
  setClock(data.clock);
  renderAll();
}

export function renderAll() {
  if (!pageState.data) return;
  renderTopbar();
  renderColumns();
  renderTabs();
  resolvePendingFocus();
}
