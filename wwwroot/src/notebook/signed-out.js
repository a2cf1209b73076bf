// When the sign-in ends under an open notebook (idle in another browser, signed out elsewhere, a
// password reset), a save answers 401. Instead of losing what the student typed: keep it as a draft
// of this user in the tab (drafts.js), say so, and offer sign-in in place through the JSON sign-in
// API, so the page and its edits stay. The same user signing in saves them; anyone else gets a
// fresh start and the draft is deleted (kiosk privacy).
import { api, ApiError } from './api.js';
import { saveDraft, loadDraft, removeDraft } from './drafts.js';

export const SIGNED_OUT_MESSAGE = 'You were signed out; sign in to save your changes.';

export class SignedOutRecovery {
  constructor(page, { userId, username }) {
    this.page = page;
    this.userId = userId;
    this.username = username;
    this.active = false;
    this.leaving = false;
    this.dialog = null;
    // Ask before leaving only when the edits cannot be saved on the way out (keepalive save).
    window.addEventListener('beforeunload', (event) => {
      const autosave = this.page.autosave;
      if (this.leaving || !autosave?.dirty) return;
      if (this.active || autosave.conflict || ['error', 'offline'].includes(autosave.indicator.dataset.state)) {
        event.preventDefault();
        event.returnValue = '';
      }
    });
  }

  /** After a reload: a draft this user typed while signed out replaces the loaded cells and is saved. */
  async restoreDraft() {
    const draft = loadDraft(this.page.notebookId, this.userId);
    if (!draft) return;
    await this.page.showCells(draft.cells);
    this.page.name = draft.name ?? this.page.name;
    this.page.autosave.revision = draft.revision;
    this.page.autosave.changed();
  }

  /** Autosave got 401. */
  signedOut() {
    this.active = true;
    this.keep();
    this.show();
  }

  changed() { if (this.active) this.keep(); }

  saved() { if (!this.active && !this.page.autosave.dirty) removeDraft(this.page.notebookId); }

  keep() {
    saveDraft(this.page.notebookId, {
      userId: this.userId,
      revision: this.page.autosave.revision,
      name: this.page.name,
      cells: this.page.cells.map((cell) => cell.toJSON()),
    });
  }

  show() {
    this.dialog ??= this.#build();
    this.#say('');
    if (!this.dialog.open) this.dialog.showModal();
    this.dialog.querySelector('input[name=password]').focus();
  }

  async #signIn(form) {
    this.#say('');
    let answer;
    try {
      answer = await api('POST', '/api/auth/login', { username: form.username.value, password: form.password.value });
    } catch (failure) {
      this.#say(failure instanceof ApiError ? failure.message : 'The appliance cannot be reached; try again.');
      return;
    }
    form.password.value = '';
    if (String(answer.user.id) !== String(this.userId)) {
      // Someone else: this notebook and its draft are not theirs to see or save.
      removeDraft(this.page.notebookId);
      this.leaving = true;
      window.location.replace('/');
      return;
    }
    this.active = false;
    this.dialog.close();
    await this.page.autosave.signedInAgain();
    this.saved();
  }

  #say(text) {
    const error = this.dialog.querySelector('.error');
    error.textContent = text;
    error.hidden = !text; // an empty error box would still show its border
  }

  #build() {
    const dialog = document.createElement('dialog');
    dialog.id = 'signed-out-dialog';
    dialog.setAttribute('aria-labelledby', 'signed-out-title');
    const title = document.createElement('h2');
    title.id = 'signed-out-title';
    title.textContent = SIGNED_OUT_MESSAGE;
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = 'Your changes are kept in this browser tab until you sign in again.';
    const form = document.createElement('form');
    form.className = 'stack';
    form.innerHTML = `
      <label for="signed-out-username">Username</label>
      <input id="signed-out-username" name="username" autocomplete="username" required maxlength="32">
      <label for="signed-out-password">Password</label>
      <input id="signed-out-password" name="password" type="password" autocomplete="current-password" required maxlength="128">
      <p class="error" role="alert" hidden></p>
      <div class="dialog-buttons"><a class="button secondary" href="/login">Sign in as someone else</a>
        <button type="submit" class="button primary">Sign in and save</button></div>`;
    form.username.value = this.username ?? '';
    form.addEventListener('submit', (event) => { event.preventDefault(); this.#signIn(form); });
    // Esc must not hide the only way to save.
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    dialog.append(title, note, form);
    document.body.append(dialog);
    return dialog;
  }
}
