// The editor's dialogs and downloads: the 409 choice (reload theirs / keep mine as a copy), the
// revision history with restore, and the full log of an execution as a text file.
import { api } from './api.js';
import { readServerSentEvents } from './sse.js';

export function showConflict(page, currentRevision) {
  const dialog = page.root.querySelector('#conflict-dialog');
  dialog.querySelector('#conflict-detail').textContent =
    `Another tab or window saved this notebook (now at revision ${currentRevision ?? '?'}). ` +
    'Your latest edits were not saved and nothing was overwritten. Choose what to keep.';
  dialog.onclick = async (event) => {
    const choice = event.target.closest('[data-choice]')?.dataset.choice;
    if (choice === 'reload') {
      page.autosave.disabled = true;
      window.location.reload();
    } else if (choice === 'copy') {
      event.target.disabled = true;
      try {
        const copy = await api('POST', `/api/projects/${page.projectId}/notebooks`, {
          name: `${page.name} (my copy)`.slice(0, 200),
          cells: page.cells.map((cell) => cell.toJSON()),
        });
        page.autosave.disabled = true;
        window.location.assign(`/notebooks/${copy.id}`);
      } catch (error) {
        dialog.querySelector('#conflict-detail').textContent = `Could not save a copy: ${error.message}`;
        event.target.disabled = false;
      }
    }
  };
  dialog.addEventListener('cancel', (event) => event.preventDefault()); // a choice is required
  if (!dialog.open) dialog.showModal();
}

export async function showHistory(page, dialog) {
  const list = dialog.querySelector('#history-list');
  list.replaceChildren(Object.assign(document.createElement('li'), { textContent: 'Loading…', className: 'muted' }));
  let revisions;
  try {
    revisions = await api('GET', `/api/notebooks/${page.notebookId}/revisions`);
  } catch (error) {
    list.replaceChildren(Object.assign(document.createElement('li'), { textContent: `Could not load the history: ${error.message}`, className: 'error' }));
    return;
  }
  list.replaceChildren();
  const current = page.autosave.revision;
  for (const revision of revisions) {
    const li = document.createElement('li');
    const when = boxTime(revision.savedAt, page.root.dataset.timeZone);
    const label = document.createElement('span');
    label.textContent = `Revision ${revision.revision} · ${when} · ${revision.cellCount} ${revision.cellCount === 1 ? "cell" : "cells"}`;
    li.append(label);
    if (revision.revision === current) {
      li.append(Object.assign(document.createElement('span'), { textContent: ' (current)', className: 'muted' }));
    } else {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button secondary small';
      button.textContent = 'Restore';
      button.setAttribute('aria-label', `Restore revision ${revision.revision}`);
      button.addEventListener('click', () => restore(page, dialog, revision.revision, button));
      li.append(' ', button);
    }
    list.append(li);
  }
}

/** Restoring saves the old cells as a new revision, so the restore itself can be undone. */
async function restore(page, dialog, revision, button) {
  button.disabled = true;
  try {
    await page.autosave.saveNow();
    const old = await api('GET', `/api/notebooks/${page.notebookId}/revisions/${revision}`);
    const saved = await api('PUT', `/api/notebooks/${page.notebookId}`, { revision: page.autosave.revision, cells: old.cells });
    await page.showCells(saved.cells);
    page.autosave.reset(saved.revision, { name: saved.name, cells: saved.cells });
    page.root.dataset.revision = saved.revision;
    dialog.close();
  } catch (error) {
    button.disabled = false;
    page.showAlert(`Could not restore revision ${revision}: ${error.message}`);
  }
}

/** The whole stdout/stderr of an execution, replayed from its server-side log, as a .txt download. */
export async function downloadExecutionLog(executionId, notebookName) {
  const response = await fetch(`/api/executions/${executionId}/events`, { credentials: 'same-origin', headers: { 'Last-Event-ID': '0' } });
  if (!response.ok) throw new Error(`The log of execution ${executionId} is not available (${response.status}).`);
  const parts = [];
  for await (const { data } of readServerSentEvents(response)) {
    if (data.type === 'stdout' || data.type === 'stderr') parts.push(data.text ?? '');
    else if (data.type === 'error') parts.push((data.traceback ?? []).join('\n') + '\n');
    if (data.type === 'done') break;
  }
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/plain;charset=utf-8' }));
  const link = Object.assign(document.createElement('a'), { href: url, download: `${notebookName}-execution-${executionId}.txt` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "2026-03-01 14:03:27 CET": the box's zone (the page says which), as the instructor's console writes times. */
export function boxTime(value, timeZone) {
  const options = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
  let parts;
  try {
    parts = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: timeZone || undefined }).formatToParts(new Date(value));
  } catch {
    parts = new Intl.DateTimeFormat('en-GB', options).formatToParts(new Date(value)); // a zone this browser does not know
  }
  const part = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}
