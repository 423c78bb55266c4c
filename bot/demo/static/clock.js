/* The demo's clock: its time and time zone, dates formatted in them, and the top bar's clock and
   time control. */
import { LOCALES, lang } from './i18n.js';
import { str } from './dom.js';
import { pageState } from './state.js';
import { api } from './api.js';
import { toast } from './dialogs.js';

function parseTime(iso) {
  // Python's isoformat may carry microseconds; keep milliseconds for Date.parse
  const ms = Date.parse(str(iso).replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? Date.now() : ms;
}

export function setClock(clock) {
  if (!clock) return;
  pageState.clock = { base: parseTime(clock.now), at: Date.now(), tz: validZone(clock.timezone) };
  renderClock();
}

function validZone(tz) {
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return tz; } catch (_) { return undefined; }
}

const demoNow = () => (pageState.clock ? pageState.clock.base + (Date.now() - pageState.clock.at) : Date.now());
export const zone = () => (pageState.clock ? pageState.clock.tz : undefined);

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

export const formatHM = (ms) => {
  const p = parts(ms, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${p.hour}:${p.minute}`;
};

export const dayKey = (ms) => {
  const p = parts(ms, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
};

export function dayLabel(ms) {
  const p = parts(ms, { day: 'numeric', month: 'long', year: 'numeric' });
  const thisYear = parts(demoNow(), { year: 'numeric' }).year;
  return p.year === thisYear ? `${p.day} ${p.month}` : `${p.day} ${p.month} ${p.year}`;
}

export function renderClock() {
  const value = document.querySelector('#demo-clock .clock-value');
  if (pageState.clock) value.textContent = formatClock(demoNow());
}

export function renderTopbar() {
  renderClock();
  const busy = Boolean(pageState.data && pageState.data.busy) || pageState.movingTime;
  document.querySelector('.busy-note').hidden = !busy;
  for (const button of document.querySelectorAll('button[data-advance]')) button.disabled = busy;
}

export async function moveTime(seconds) {
  if (pageState.movingTime) return;
  pageState.movingTime = true;
  renderTopbar();
  try {
    const answer = await api('/api/time', { seconds });
    setClock(answer.clock);
  } catch (err) {
    toast(null, err.message);
  } finally {
    pageState.movingTime = false;
    renderTopbar();
  }
}
