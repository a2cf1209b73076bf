// The indent unit of a cell: 4 spaces (PEP 8 and Jupyter's default) unless the cell's own code
// indents its blocks by another step (2-space code pasted from elsewhere), so Enter and Tab follow
// the indentation already there instead of mixing two. Pure: tested by wwwroot/test/indentation.test.mjs.

export const DEFAULT_INDENT = 4;
const SMALLEST = 1;
const LARGEST = 8;

/** Spaces one block level takes in `text`: the most common step into a block (after a line ending in ':'). */
export function detectIndentUnit(text, fallback = DEFAULT_INDENT) {
  const counts = new Map();
  let previous = null; // {indent, opensBlock} of the last non-blank line
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (line.startsWith('\t')) return fallback; // tabs: leave the unit alone, CodeMirror shows them as 4
    const indent = line.length - line.trimStart().length;
    if (previous?.opensBlock && indent > previous.indent) {
      const step = indent - previous.indent;
      if (step >= SMALLEST && step <= LARGEST) counts.set(step, (counts.get(step) ?? 0) + 1);
    }
    previous = { indent, opensBlock: /:\s*(#.*)?$/.test(line) };
  }
  let best = fallback;
  let bestCount = 0;
  for (const [step, count] of counts) {
    // Ties go to the default, then to the smaller step.
    if (count > bestCount || (count === bestCount && (step === fallback || (best !== fallback && step < best)))) {
      best = step;
      bestCount = count;
    }
  }
  return best;
}

/** Where Tab in the middle of a line goes: spaces up to the next multiple of the unit. */
export function spacesToNextStop(column, unit) {
  return unit - (column % unit);
}
