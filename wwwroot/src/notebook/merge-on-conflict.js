// A save refused with 409 (another tab saved first): merge this tab's cells with theirs, cell by
// cell (three-way-merge.js, the common ancestor being what this tab last loaded or saved), show
// the merge and save it. Only a real conflict (one cell changed both ways) opens the dialog.
import { api } from './api.js';
import { Cell } from './cell.js';
import { renderMarkdown } from './markdown.js';
import { mergeNotebooks, same } from './three-way-merge.js';
import { showConflict } from './dialogs.js';

export async function mergeOrAsk(page, currentRevision) {
  const { base } = page.autosave;
  try {
    const theirs = await api('GET', `/api/notebooks/${page.notebookId}`);
    const mine = { name: page.name, cells: page.cells.map((cell) => cell.toJSON()) };
    const merged = base ? mergeNotebooks(base, mine, theirs) : null;
    if (merged && merged.conflicts.length === 0) {
      await showMerged(page, merged);
      page.root.dataset.revision = theirs.revision;
      page.autosave.resume(theirs.revision, { name: theirs.name, cells: theirs.cells });
      return;
    }
  } catch { /* could not fetch theirs: the dialog still offers reload or a copy */ }
  showConflict(page, currentRevision);
}

// Cells this tab already shows as merged keep their element (editor, cursor, live outputs);
// the others (theirs, changed or new) are built anew, all in the merged order.
async function showMerged(page, merged) {
  const shown = new Map(page.cells.map((cell) => [cell.id, cell]));
  const fresh = merged.cells.filter((data) => !shown.has(data.id) || !same(shown.get(data.id).toJSON(), data));
  const markdown = fresh.filter((data) => data.type === 'markdown');
  const html = await renderMarkdown(markdown.map((data) => data.source ?? ''));
  const cells = merged.cells.map((data) => (fresh.includes(data) ? new Cell(data, page) : shown.get(data.id)));
  for (const cell of page.cells) if (!cells.includes(cell)) cell.destroy();
  cells.forEach((cell, i) => {
    if (page.list.children[i] !== cell.element) page.list.insertBefore(cell.element, page.list.children[i] ?? null);
  });
  page.cells = cells;
  markdown.forEach((data, i) => cells.find((cell) => cell.id === data.id)?.showRendered(html[i]));
  cells.forEach((cell) => cell.refreshLabel());
  if (merged.name !== page.name) { page.name = merged.name; page.title.show(merged.name); }
  if (!cells.includes(page.selected)) page.select(cells[0], { mode: 'command', focus: false });
}
