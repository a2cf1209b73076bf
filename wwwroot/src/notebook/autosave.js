// Autosave with optimistic concurrency: ~2 s after the last change, on hiding the page, and on
// leaving it (fetch keepalive), PUT the cells with the revision they were based on. Shows
// Saved / Saving… / Unsaved changes / Offline. A 409 (another tab saved first) stops saving and
// hands the choice to the page; nothing is ever overwritten silently. A 401 (the sign-in ended)
// stops saving and hands over to onSignedOut until resume() after the same user signed in again.
import { api, ApiError } from './api.js';

export const SAVE_DELAY_MS = 2000;
const RETRY_MS = 5000;
const KEEPALIVE_LIMIT = 60_000; // bytes; browsers refuse larger keepalive bodies

export class Autosave {
  constructor({ notebookId, revision, indicator, collect, collectName, onConflict, onSaved, onSignedOut }) {
    this.notebookId = notebookId;
    this.revision = revision;
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
    this.inFlight = null;
    this.conflict = false;
    this.disabled = false;
    window.addEventListener('online', () => this.saveSoon(0));
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') this.saveNow(); });
    window.addEventListener('pagehide', () => this.saveOnLeave());
  }

  get dirty() { return this.version !== this.savedVersion; }

  changed() {
    this.version++;
    if (this.conflict) return;
    this.show('unsaved', 'Unsaved changes');
    this.saveSoon(SAVE_DELAY_MS);
  }

  saveSoon(delay) {
    clearTimeout(this.timer);
    if (this.dirty && !this.conflict && !this.disabled && !this.signedOut) this.timer = setTimeout(() => this.saveNow(), delay);
  }

  async saveNow() {
    clearTimeout(this.timer);
    if (!this.dirty || this.conflict || this.disabled || this.signedOut) return;
    if (this.inFlight) { await this.inFlight; return this.saveNow(); }
    const version = this.version;
    this.show('saving', 'Saving…');
    this.inFlight = (async () => {
      try {
        const saved = await api('PUT', `/api/notebooks/${this.notebookId}`, { revision: this.revision, name: this.collectName(), cells: this.collect() });
        this.revision = saved.revision;
        this.savedVersion = version;
        this.onSaved?.(saved);
        if (this.dirty) { this.show('unsaved', 'Unsaved changes'); this.saveSoon(SAVE_DELAY_MS); } else this.show('saved', 'Saved');
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
  resume() {
    this.signedOut = false;
    return this.saveNow();
  }

  /** After a restore or reload: start over from a known revision. */
  reset(revision) {
    this.revision = revision;
    this.savedVersion = this.version;
    this.conflict = false;
    this.show('saved', 'Saved');
  }

  show(state, text) {
    this.indicator.dataset.state = state;
    this.indicator.textContent = text;
    this.indicator.title = text; // the badge has a fixed width; a long reason is cut there, whole here
  }
}
