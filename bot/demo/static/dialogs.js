/* Toasts and dialogs: alerts, the photo lightbox, the forms, and the "open as" chooser. */
import { HINTS, t } from './i18n.js';
import { el, avatar } from './dom.js';
import { pageState, fullName, chatName, privateChatOf } from './state.js';
import { api } from './api.js';
import { resolvePendingFocus, focusChat } from './chats.js';

export function toast(col, text) {
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

export function showAlert(text) {
  const ok = el('button', { type: 'button', class: 'btn primary alert-ok' }, t('ok'));
  const dialog = openDialog('alert', '', el('p', { class: 'alert-text' }, text), el('div', { class: 'dialog-actions' }, ok));
  dialog.setAttribute('role', 'alertdialog');
  dialog.setAttribute('aria-label', text.slice(0, 100));
  ok.addEventListener('click', () => dialog.close());
  ok.focus();
}

export function openLightbox(src, caption) {
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

export function addPersonDialog() {
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
      pageState.pendingFocus = { person: answer.person.id };
      if (pageState.data) resolvePendingFocus();
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

export function newGroupDialog() {
  const people = pageState.data ? pageState.data.people : [];
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
      pageState.pendingFocus = { chat: answer.chat.id };
      if (pageState.data) resolvePendingFocus();
    }
    return null;
  });
}

export function addMemberDialog(col) {
  const inside = new Set(col.chat.members || []);
  const candidates = pageState.data.people.filter((p) => !inside.has(p.id));
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

export function openAsDialog(invite, col) {
  const own = col.chat.type === 'private' ? col.chat.person : null;
  const people = [...pageState.data.people.filter((p) => p.id !== own), ...pageState.data.people.filter((p) => p.id === own)];
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
      else pageState.pendingFocus = { person };
    } catch (err) {
      error.textContent = err.message;
      for (const b of buttons) b.disabled = false;
    }
  }));
  buttons[0]?.focus();
}
