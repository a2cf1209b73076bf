// Unsaved notebook edits kept in the browser while their owner is signed out, so signing in again
// can save them. sessionStorage, not localStorage: it belongs to one tab and is gone when the browser
// closes (which also ends the sign-in), so on a shared kiosk a draft never outlives the session it
// was typed in. Each draft names its user; any page signed in as someone else deletes it.
const PREFIX = 'nanochat.draft.';

export function saveDraft(notebookId, draft) {
  try {
    sessionStorage.setItem(PREFIX + notebookId, JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch { /* storage full or off: the page still holds the edits while it stays open */ }
}

/** The draft of this notebook typed by this user, or null. */
export function loadDraft(notebookId, userId) {
  try {
    const draft = JSON.parse(sessionStorage.getItem(PREFIX + notebookId) ?? 'null');
    return draft && String(draft.userId) === String(userId) ? draft : null;
  } catch {
    return null;
  }
}

export function removeDraft(notebookId) {
  try { sessionStorage.removeItem(PREFIX + notebookId); } catch { /* nothing kept */ }
}

/** Kiosk privacy: once someone signs in, drafts typed by anyone else in this tab go. */
export function forgetDraftsOfOthers(userId) {
  try {
    for (const key of Object.keys(sessionStorage)) {
      if (!key.startsWith(PREFIX)) continue;
      const draft = JSON.parse(sessionStorage.getItem(key) ?? 'null');
      if (!draft || String(draft.userId) !== String(userId)) sessionStorage.removeItem(key);
    }
  } catch { /* nothing kept */ }
}
