// Unit tests of the cell's indent unit (run: node --test wwwroot/test; also run by xunit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectIndentUnit, spacesToNextStop } from '../src/notebook/indentation.js';

test('an empty or flat cell gets 4 spaces', () => {
  assert.equal(detectIndentUnit(''), 4);
  assert.equal(detectIndentUnit('x = 1\nprint(x)'), 4);
});

test('a 4-space body is 4, however deep', () => {
  assert.equal(detectIndentUnit('def f(x):\n    for i in range(x):\n        print(i)\n    return x'), 4);
});

test('code written with 2 spaces keeps 2', () => {
  assert.equal(detectIndentUnit('def f(x):\n  if x:\n    return 1\n  return 2'), 2);
});

test('continuation lines and comments do not count as block steps', () => {
  const code = 'result = compute(a,\n                 b)\ndef g():\n    # a comment\n    return 1';
  assert.equal(detectIndentUnit(code), 4);
});

test('a tie goes to 4', () => {
  assert.equal(detectIndentUnit('if a:\n  x = 1\nif b:\n    y = 2'), 4);
});

test('tabs leave the default', () => {
  assert.equal(detectIndentUnit('if a:\n\tx = 1'), 4);
});

test('Tab in a line goes to the next stop', () => {
  assert.equal(spacesToNextStop(0, 4), 4);
  assert.equal(spacesToNextStop(5, 4), 3);
  assert.equal(spacesToNextStop(8, 4), 4);
});
