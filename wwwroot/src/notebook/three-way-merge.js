// Three-way merge of a notebook's cells, for a save refused because another tab saved first:
// base = what this tab last loaded or saved, mine = this tab now, theirs = the server now. Cells
// are matched by id. Edits, insertions and deletions of different cells merge; a cell changed
// differently on both sides (or deleted on one side and changed on the other) is a conflict,
// which the page hands to the dialog: nothing is ever dropped silently.

// Compared in a canonical form: keys sorted and null/undefined left out, so a cell as the server
// returns it and the same cell as the page serialises it are equal.
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().filter((key) => value[key] != null).map((key) => [key, canonical(value[key])]));
}
export const same = (a, b) => JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));

/** One cell's outcome: the merged cell, null for deleted, or 'conflict'. */
function mergeCell(base, mine, theirs) {
  if (same(mine, theirs)) return mine ?? null;
  if (same(base, theirs)) return mine ?? null; // only I changed it (or deleted it)
  if (same(base, mine)) return theirs ?? null; // only they changed it (or deleted it)
  return 'conflict';
}

/** Their order, with my new cells placed after the cell they follow in my order. */
function mergedOrder(baseIds, mineCells, theirCells) {
  const order = theirCells.map((cell) => cell.id);
  mineCells.forEach((cell, i) => {
    if (baseIds.has(cell.id) || order.includes(cell.id)) return;
    const before = mineCells.slice(0, i).reverse().find((c) => order.includes(c.id));
    order.splice(before ? order.indexOf(before.id) + 1 : 0, 0, cell.id);
  });
  return order;
}

/**
 * mergeNotebooks({name, cells} base, mine, theirs) → {name, cells, conflicts}: `conflicts` lists
 * the ids of cells (and 'name' for the title) changed both ways; the merge is usable only when empty.
 */
export function mergeNotebooks(base, mine, theirs) {
  const byId = (cells) => new Map(cells.map((cell) => [cell.id, cell]));
  const [b, m, t] = [byId(base.cells), byId(mine.cells), byId(theirs.cells)];
  const conflicts = [];
  const cells = [];
  const ids = mergedOrder(new Set(b.keys()), mine.cells, theirs.cells);
  for (const id of [...b.keys()]) if (!ids.includes(id)) ids.push(id); // deleted by them: may still conflict
  for (const id of ids) {
    const merged = mergeCell(b.get(id), m.get(id), t.get(id));
    if (merged === 'conflict') conflicts.push(id);
    else if (merged) cells.push(merged);
  }
  const name = mergeCell(base.name, mine.name, theirs.name);
  if (name === 'conflict') conflicts.push('name');
  return { name: name === 'conflict' ? theirs.name : name ?? theirs.name, cells, conflicts };
}
