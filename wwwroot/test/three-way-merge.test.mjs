// Unit tests of the per-cell three-way merge (run: node --test wwwroot/test; also run by xunit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeNotebooks } from '../src/notebook/three-way-merge.js';

const cell = (id, source) => ({ id, type: 'code', source, outputs: [], executionCount: null });
const nb = (...cells) => ({ name: 'N', cells });
const sources = (merged) => merged.cells.map((c) => `${c.id}:${c.source}`);

test('edits of different cells merge', () => {
  const base = nb(cell('a', '1'), cell('b', '2'));
  const merged = mergeNotebooks(base, nb(cell('a', '1 mine'), cell('b', '2')), nb(cell('a', '1'), cell('b', '2 theirs')));
  assert.deepEqual(merged.conflicts, []);
  assert.deepEqual(sources(merged), ['a:1 mine', 'b:2 theirs']);
});

test('the same cell changed differently is a conflict', () => {
  const base = nb(cell('a', '1'));
  const merged = mergeNotebooks(base, nb(cell('a', 'mine')), nb(cell('a', 'theirs')));
  assert.deepEqual(merged.conflicts, ['a']);
});

test('the same change on both sides is no conflict', () => {
  const merged = mergeNotebooks(nb(cell('a', '1')), nb(cell('a', 'x')), nb(cell('a', 'x')));
  assert.deepEqual(merged.conflicts, []);
  assert.deepEqual(sources(merged), ['a:x']);
});

test('insertions on both sides keep their places', () => {
  const base = nb(cell('a', '1'), cell('c', '3'));
  const mine = nb(cell('a', '1'), cell('m', 'mine'), cell('c', '3'));
  const theirs = nb(cell('t', 'theirs'), cell('a', '1'), cell('c', '3'));
  const merged = mergeNotebooks(base, mine, theirs);
  assert.deepEqual(merged.conflicts, []);
  assert.deepEqual(sources(merged), ['t:theirs', 'a:1', 'm:mine', 'c:3']);
});

test('a cell inserted at the top of mine stays at the top', () => {
  const merged = mergeNotebooks(nb(cell('a', '1')), nb(cell('m', 'x'), cell('a', '1')), nb(cell('a', '1 t')));
  assert.deepEqual(sources(merged), ['m:x', 'a:1 t']);
});

test('deletions merge when the other side left the cell alone', () => {
  const base = nb(cell('a', '1'), cell('b', '2'), cell('c', '3'));
  const mine = nb(cell('a', '1'), cell('c', '3'));
  const theirs = nb(cell('a', '1'), cell('b', '2'));
  const merged = mergeNotebooks(base, mine, theirs);
  assert.deepEqual(merged.conflicts, []);
  assert.deepEqual(sources(merged), ['a:1']);
  assert.deepEqual(mergeNotebooks(base, mine, nb(cell('a', '1'), cell('b', '2'), cell('c', '3'))).cells.map((c) => c.id), ['a', 'c']);
});

test('deleted on one side and changed on the other is a conflict', () => {
  const base = nb(cell('a', '1'), cell('b', '2'));
  assert.deepEqual(mergeNotebooks(base, nb(cell('a', '1')), nb(cell('a', '1'), cell('b', '2 t'))).conflicts, ['b']);
  assert.deepEqual(mergeNotebooks(base, nb(cell('a', '1'), cell('b', '2 m')), nb(cell('a', '1'))).conflicts, ['b']);
});

test('a rename on one side merges; different renames conflict', () => {
  const base = nb(cell('a', '1'));
  assert.equal(mergeNotebooks(base, { ...base, name: 'Mine' }, base).name, 'Mine');
  assert.equal(mergeNotebooks(base, base, { ...base, name: 'Theirs' }).name, 'Theirs');
  assert.deepEqual(mergeNotebooks(base, { ...base, name: 'M' }, { ...base, name: 'T' }).conflicts, ['name']);
});

test('key order and absent nulls are no change', () => {
  const base = nb({ id: 'a', type: 'code', source: '1', outputs: [{ output_type: 'stream', name: 'stdout', text: 'x' }], executionCount: 1, metadata: null });
  const mine = nb({ executionCount: 1, outputs: [{ text: 'x', name: 'stdout', output_type: 'stream' }], source: '1', type: 'code', id: 'a' });
  const merged = mergeNotebooks(base, mine, nb(cell('a', '1 t')));
  assert.deepEqual(merged.conflicts, []);
  assert.deepEqual(sources(merged), ['a:1 t']);
});
