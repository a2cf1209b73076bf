// Unit tests of the traceback reader (run: node --test wwwroot/test; also run by xunit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyTraceback, failingCellLine, tracebackLines, hasAnsi } from '../src/notebook/traceback.js';

// What the kernel sends for `def boom(): return 1 / 0` then `boom()` in run 3 (items may hold several lines).
const zeroDivision = {
  ename: 'ZeroDivisionError',
  evalue: 'division by zero',
  traceback: ['Traceback (most recent call last):', '  File "<cell In[3]>", line 3, in <module>\n    boom()', '  File "<cell In[3]>", line 2, in boom\n    return 1 / 0\n           ~~^~~', 'ZeroDivisionError: division by zero'],
};

test('frames, source, the failing line, its caret and the exception are told apart', () => {
  const rows = classifyTraceback(tracebackLines(zeroDivision));
  assert.deepEqual(rows.map((row) => row.kind), ['header', 'frame', 'source', 'frame', 'failing', 'caret', 'exception']);
  assert.equal(rows[4].text, '    return 1 / 0');
  assert.equal(rows[6].name, 'ZeroDivisionError');
  assert.deepEqual([rows[3].file, rows[3].line, rows[3].name], ['<cell In[3]>', 2, 'boom']);
});

test('the failing line of this cell is the innermost frame in its own run', () => {
  assert.equal(failingCellLine(tracebackLines(zeroDivision), 3), 2);
  assert.equal(failingCellLine(tracebackLines(zeroDivision), 4), null);
  assert.equal(failingCellLine(tracebackLines(zeroDivision), null), null);
});

test('each exception of a chain has its own failing line; a frame without source marks none', () => {
  const lines = [
    'Traceback (most recent call last):', '  File "<cell In[1]>", line 2, in <module>', "    {}['a']", "KeyError: 'a'", '',
    'During handling of the above exception, another exception occurred:', '',
    'Traceback (most recent call last):', '  File "<cell In[1]>", line 2, in <module>', "    {}['a']", '  File "/usr/lib/x.py", line 9, in f', 'ValueError: bad',
  ];
  const kinds = classifyTraceback(lines).map((row) => row.kind);
  assert.deepEqual(kinds, ['header', 'frame', 'failing', 'exception', 'text', 'chain', 'text', 'header', 'frame', 'source', 'frame', 'exception']);
});

test('a syntax error marks the line the caret points into', () => {
  const rows = classifyTraceback(['  File "<cell In[1]>", line 1', '    x = (', '        ^', "SyntaxError: '(' was never closed"]);
  assert.deepEqual(rows.map((row) => row.kind), ['frame', 'failing', 'caret', 'exception']);
});

test('a kernel that died says so in one plain line', () => {
  const rows = classifyTraceback(tracebackLines({ ename: 'KernelDied', evalue: 'x', traceback: ['Stopped by the instructor.'] }));
  assert.deepEqual(rows.map((row) => row.kind), ['text']);
});

test('IPython tracebacks already coloured are recognised', () => {
  assert.equal(hasAnsi(['\u001b[31mValueError\u001b[0m: bad']), true);
  assert.equal(hasAnsi(tracebackLines(zeroDivision)), false);
});
