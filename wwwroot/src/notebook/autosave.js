// Autosave with optimistic concurrency: ~2 s after the last edit, on hiding the page, and on
// leaving it (fetch keepalive), PUT the cells with the revision they were based on. Shows
// Saved / Saving… / Unsaved changes / Offline. Outputs that change while a cell runs (a progress
// bar redrawn ten times a second) never push an edit's save back: they are saved on their own,
// at most OUTPUT_SAVE_INTERVAL_MS after they changed, and do not turn the badge to unsaved.
// A 409 (another tab saved first) stops saving and hands it to the page, which merges with
// `base` (the notebook as last loaded or saved here, merge-on-conflict.js) or asks; nothing is
// ever overwritten silently. A 401 (the sign-in ended) stops saving and hands over to
// onSignedOut until signedInAgain() after the same user signed in again.
import { api, ApiError } from './api.js';

export const SAVE_DELAY_MS = 2000;
export const OUTPUT_SAVE_INTERVAL_MS = 10_000;
const RETRY_MS = 5000;
const KEEPALIVE_LIMIT = 60_000; // bytes; browsers refuse larger keepalive bodies

export class Autosave {
  constructor({ notebookId, revision, base, indicator, collect, collectName, onConflict, onSaved, onSignedOut }) {
    this.notebookId = notebookId;
    this.revision = revision;
    this.base = base; // {name, cells} at `revision`, as the server returned them: a merge's common ancestor
    this.indicator = indicator;
    this.collect = collect;
    this.collectName = collectName ?? (() => undefined); // the notebook's name travels with its cells (rename)
    this.onConflict = onConflict;
    this.onSaved = onSaved;
    this.onSignedOut = onSignedOut;
    this.signedOut = false;
    this.version = 0; // bumped on every change
    this.savedVersion = 0;
    this.timer = 0;
    this.dueAt = Infinity; // when the pending timer fires
    this.editVersion = 0; // the last edit or finished cell, what the badge reports (live outputs bump only `version`)
    this.savedEditVersion = 0;
    this.inFlight = null;
    this.conflict = false;
    this.disabled = false;
    window.addEventListener('online', () => this.saveSoon(0));
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') this.saveNow(); });
    window.addEventListener('pagehide', () => this.saveOnLeave());
  }

  get dirty() { return this.version !== this.savedVersion; }

  get editsUnsaved() { return this.editVersion !== this.savedEditVersion; }

  /** The student edited something: save SAVE_DELAY_MS after the last edit. */
  changed() {
    this.version++;
    this.editVersion = this.version;
    if (this.conflict) return;
    this.show('unsaved', 'Unsaved changes');
    this.saveSoon(SAVE_DELAY_MS);
  }

  /** A cell finished (final outputs, its count) or a widget redrew one: saved soon, but an edit's debounce is not pushed back. */
  resultsChanged() {
    this.version++;
    this.editVersion = this.version;
    if (this.conflict) return;
    this.show('unsaved', 'Unsaved changes');
    this.saveBy(SAVE_DELAY_MS);
  }

  /** Outputs changed (a running cell): saved within OUTPUT_SAVE_INTERVAL_MS; an edit's timer stays as it is. */
  outputsChanged() {
    this.version++;
    if (!this.conflict) this.saveBy(OUTPUT_SAVE_INTERVAL_MS);
  }

  saveSoon(delay) {
    clearTimeout(this.timer);
    this.dueAt = Infinity;
    if (this.dirty && !this.conflict && !this.disabled && !this.signedOut) {
      this.dueAt = Date.now() + delay;
      this.timer = setTimeout(() => { this.dueAt = Infinity; this.saveNow(); }, delay);
    }
  }

  /** Saves within `delay` at the latest; a timer already due sooner is kept (never pushed back). */
  saveBy(delay) {
    if (this.dueAt <= Date.now() + delay) return;
    this.saveSoon(delay);
  }

  async saveNow() {
    clearTimeout(this.timer);
    if (!this.dirty || this.conflict || this.disabled || this.signedOut) return;
    if (this.inFlight) { await this.inFlight; return this.saveNow(); }
    const version = this.version;
    const editVersion = this.editVersion;
    if (this.editsUnsaved) this.show('saving', 'Saving…');
    this.inFlight = (async () => {
      try {
        const saved = await api('PUT', `/api/notebooks/${this.notebookId}`, { revision: this.revision, name: this.collectName(), cells: this.collect() });
        this.revision = saved.revision;
        this.base = { name: saved.name, cells: saved.cells };
        this.savedVersion = version;
        this.savedEditVersion = editVersion;
        this.onSaved?.(saved);
        this.#afterSave();
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          this.conflict = true;
          this.show('conflict', 'Not saved: changed elsewhere');
          this.onConflict(error.problem?.currentRevision);
        } else if (error instanceof ApiError && error.status === 401) {
          this.signedOut = true;
          this.show('signed-out', 'Not saved: signed out');
          this.onSignedOut?.();
        } else if (error instanceof ApiError) {
          this.show('error', `Not saved: ${error.message}`);
        } else {
          this.show('offline', 'Offline — will retry');
          this.saveSoon(RETRY_MS);
        }
      } finally {
        this.inFlight = null;
      }
    })();
    await this.inFlight;
  }

  // What came in while the save was in flight: an edit is saved soon, outputs by their own interval.
  #afterSave() {
    if (this.editsUnsaved) { this.show('unsaved', 'Unsaved changes'); this.saveBy(SAVE_DELAY_MS); } else this.show('saved', 'Saved');
    if (this.dirty) this.saveBy(OUTPUT_SAVE_INTERVAL_MS);
  }

  /** Last chance when the page goes away: a keepalive request outlives the page. */
  saveOnLeave() {
    if (!this.dirty || this.conflict || this.disabled || this.signedOut || this.inFlight) return;
    const body = JSON.stringify({ revision: this.revision, name: this.collectName(), cells: this.collect() });
    if (body.length > KEEPALIVE_LIMIT) return; // the visibilitychange save already ran
    fetch(`/api/notebooks/${this.notebookId}`, {
      method: 'PUT', keepalive: true, credentials: 'same-origin', body,
      headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': document.querySelector('meta[name="antiforgery-token"]')?.content ?? '' },
    }).catch(() => {});
  }

  /** Signed in again as the same user: save what was kept. */
  signedInAgain() {
    this.signedOut = false;
    return this.saveNow();
  }

  /** After a merge with another tab's save: based on theirs now, and the merged cells to save. */
  resume(revision, base) {
    this.revision = revision;
    this.base = base;
    this.conflict = false;
    this.changed();
  }

  /** After a restore or reload: start over from a known revision. */
  reset(revision, base) {
    this.revision = revision;
    if (base) this.base = base;
    this.savedVersion = this.version;
    this.savedEditVersion = this.editVersion;
    this.conflict = false;
    this.show('saved', 'Saved');
  }

  show(state, text) {
    this.indicator.dataset.state = state;
    this.indicator.textContent = text;
    this.indicator.title = text; // the badge has a fixed width; a long reason is cut there, whole here
  }
}
