// Jupyter's whole-cell edits in command mode: copy (C), cut (X), paste below (V) or above (Shift+V),
// merge with the cell below (Shift+M); and in edit mode split at the cursor (Ctrl+Shift+-). The
// copied cell lives in sessionStorage, so it can be pasted into another notebook in the same tab
// (as Jupyter allows) and is gone when the browser closes (a kiosk's next student never sees it).
// Cut goes through the page's delete, so Z brings it back.

const CLIPBOARD_KEY = 'nanochat.copied-cell';

function copiedCell() {
  try {
    return JSON.parse(sessionStorage.getItem(CLIPBOARD_KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** The cell's content without its id: a pasted cell is a new cell. */
function cellContent(cell) {
  const { id, ...content } = cell.toJSON();
  return content;
}

export function copyCell(page, cell) {
  if (!cell) return;
  sessionStorage.setItem(CLIPBOARD_KEY, JSON.stringify(cellContent(cell)));
  page.root.dataset.clipboard = 'cell';
}

export function cutCell(page, cell) {
  if (!cell) return;
  copyCell(page, cell);
  page.remove(cell);
}

/** Pastes the copied cell below (or above) the selected one; nothing when nothing was copied. */
export function pasteCell(page, where) {
  const content = copiedCell();
  if (!content) return;
  const index = page.indexOf(page.selected) + (where === 'above' ? 0 : 1);
  const cell = page.insertData(index, content);
  page.select(cell, { mode: 'command' });
  page.changed();
}

/** The selected cell and the one below become one: sources joined by a line, outputs cleared. */
export function mergeWithBelow(page, cell) {
  const index = page.indexOf(cell);
  const below = page.cells[index + 1];
  if (!cell || !below) return;
  const source = [cell.source, below.source].filter((text) => text !== '').join('\n');
  cell.editor.setSource(source);
  if (cell.type === 'code') {
    cell.outputs.clear();
    cell.executionCount = null;
    cell.setState('idle');
  }
  below.destroy();
  page.cells.splice(index + 1, 1);
  page.cells.forEach((c) => c.refreshLabel());
  if (cell.type === 'markdown') cell.render().catch((error) => page.showAlert(error.message));
  page.select(cell, { mode: 'command' });
  page.changed();
}

/**
 * Splits the cell at the cursor, as Jupyter does: the text above the cursor becomes a new cell above;
 * the cell itself keeps the rest with its outputs (they come from its last lines) and the cursor.
 */
export function splitAtCursor(page, cell) {
  if (!cell) return;
  const source = cell.source;
  const cursor = cell.editor.cursor;
  const above = source.slice(0, cursor).replace(/\n$/, '');
  const below = source.slice(cursor).replace(/^\n/, '');
  if (above === '' && below === '') return;
  const index = page.indexOf(cell);
  page.insertData(index, { type: cell.type, source: above });
  cell.editor.setSource(below);
  cell.editor.setCursor(0);
  page.select(cell, { mode: 'edit' });
  page.changed();
}
