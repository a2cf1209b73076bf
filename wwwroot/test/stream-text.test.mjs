// Unit tests of the bounded terminal text model (run: node --test wwwroot/test; also run by xunit,
// see NanoChat.Appliance.Tests/Notebooks/FrontEndUnitTests.cs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamText } from '../src/notebook/stream-text.js';

test('plain lines are kept in order', () => {
  const text = new StreamText();
  text.append('a\nb\n');
  text.append('c');
  assert.equal(text.toString(), 'a\nb\nc');
});

test('carriage return rewrites the current line in place', () => {
  const text = new StreamText();
  for (let p = 0; p <= 100; p += 10) text.append(`\rprogress ${p}%`);
  text.append('\ndone\n');
  assert.equal(text.toString(), 'progress 100%\ndone\n');
});

test('CRLF split across chunks is a newline, not an erase', () => {
  const text = new StreamText();
  text.append('first\r');
  text.append('\nsecond\r\n');
  assert.equal(text.toString(), 'first\nsecond\n');
});

test('a trailing carriage return keeps the line until new text arrives', () => {
  const text = new StreamText();
  text.append('50%\r');
  assert.equal(text.toString(), '50%');
  text.append('60%');
  assert.equal(text.toString(), '60%');
});

test('a million lines keep only a bounded head and tail and count the rest', () => {
  const text = new StreamText({ headLines: 10, tailLines: 20 });
  const chunk = Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  for (let i = 0; i < 1000; i++) text.append(chunk);
  assert.equal(text.totalLines, 1_000_000);
  assert.equal(text.head.length, 10);
  assert.ok(text.tail.length <= 40);
  assert.equal(text.hiddenLines, 1_000_000 - 10 - 20);
  const shown = text.toString();
  assert.ok(shown.startsWith('line 0\nline 1\n'));
  assert.ok(shown.includes('999,970 lines not shown'));
  assert.ok(shown.endsWith('line 999\n'));
  assert.ok(shown.length < 1000);
});

test('one endless line is capped', () => {
  const text = new StreamText({ maxLineChars: 100 });
  for (let i = 0; i < 1000; i++) text.append('x'.repeat(1000));
  assert.equal(text.current.length, 50); // the rest of the 100 is room for the note
  assert.equal(text.omittedChars, 1_000_000 - 50);
  // What is shown says the line was cut, while it grows and once it has ended.
  assert.ok(text.toString().endsWith('x'.repeat(50) + ' … 999,950 more characters on this line not shown'));
  text.append('\nnext\n');
  const stored = `${'x'.repeat(50)} … 999,950 more characters on this line not shown\nnext\n`;
  assert.equal(text.toString(), stored);
  // Read back (a reload shows the stored text): the cut line is not cut again.
  const reloaded = new StreamText({ maxLineChars: 100 });
  reloaded.append(stored);
  assert.equal(reloaded.toString(), stored);
  // A carriage return starts the line afresh, cut count included.
  text.append('y'.repeat(150) + '\rshort');
  assert.ok(text.toString().endsWith('\nshort'));
});
