/* The demo messenger page: one column per person (their private chat with the bot) and one per
   group, talking to bot/demo/web.py. Plain DOM, no framework, native ES modules (no build step).
   Everything the server sends is untrusted: text goes into the page through textContent / text
   nodes only, never innerHTML.

   app.js starts the page up and wires it; the rest, by what it does:
     i18n.js        the page's strings, its language and plural rules
     dom.js         small DOM helpers (elements, icons, avatars)
     state.js       the page's state and look-ups in it
     api.js         the server's JSON API and polling it for the state
     clock.js       the demo's clock, dates, the top bar's time control
     chats.js       columns and tabs, one chat column
     input-area.js  a column's composer, menu, reply keyboard, Start
     messages.js    one message bubble with its photo, document, inline keyboard
     entities.js    a message's text with its entities, and its links
     dialogs.js     toasts, alerts, forms, the "open as" chooser */
import { LANGS, applyStaticStrings, storeLang } from './i18n.js';
import { renderAll, api, pollLoop } from './api.js';
import { renderClock, moveTime } from './clock.js';
import { closeMenus } from './input-area.js';
import { toast, addPersonDialog, newGroupDialog } from './dialogs.js';

async function setLang(code) {
  if (!LANGS.includes(code)) return;
  storeLang(code);
  applyStaticStrings();
  renderAll();
  try { await api('/api/language', { language: code }); } catch (err) { toast(null, err.message); }
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
