// Python tracebacks as the cell shows them: our kernel sends Python's own plain format (nbformat
// lines, no colour), which is read here line by line so the page can colour it as Jupyter does:
// the frames' file and line, the exception's name, and the line that failed (the last source line
// before each exception line) marked. Tracebacks that already carry ANSI colour (IPython's, in
// imported notebooks) are left to the terminal renderer. Pure: tested by wwwroot/test/traceback.test.mjs.

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;
const FRAME = /^\s*File "([^"]*)", line (\d+)(?:, in (.*))?$/;
const CARET = /^\s*[~^]+\s*$/;
const CHAIN = /^(During handling of the above exception|The above exception was the direct cause)/;
const EXCEPTION = /^([A-Za-z_][\w.]*)(:.*)?$/;

/** The traceback's lines (nbformat: a list, each without its newline; older kernels split lines inside items too). */
export function tracebackLines(output) {
  const traceback = Array.isArray(output.traceback) && output.traceback.length
    ? output.traceback.map((line) => String(line).replace(/\n$/, '')).join('\n')
    : `${output.ename}: ${output.evalue}`;
  return traceback.split('\n');
}

export function hasAnsi(lines) { return lines.some((line) => ANSI.test(line)); }

/**
 * Each line with its kind: header, frame ({file, line, name}), source, failing (the source line that
 * raised), caret, chain, exception ({name}), or text.
 */
export function classifyTraceback(lines) {
  const rows = [];
  let lastSource = -1; // the latest source line of the block now being read
  let inFrames = false;
  for (const text of lines) {
    const frame = FRAME.exec(text);
    if (text.startsWith('Traceback (most recent call last)')) {
      rows.push({ text, kind: 'header' });
      inFrames = true;
      lastSource = -1;
    } else if (frame) {
      rows.push({ text, kind: 'frame', file: frame[1], line: Number(frame[2]), name: frame[3] ?? null });
      inFrames = true;
      lastSource = -1; // a frame without its source line (C code, a missing file) failed nowhere we can show
    } else if (CHAIN.test(text)) {
      rows.push({ text, kind: 'chain' });
      lastSource = -1;
    } else if (inFrames && CARET.test(text) && lastSource >= 0) {
      rows.push({ text, kind: 'caret' });
    } else if (inFrames && /^\s{4,}\S/.test(text) && rows.at(-1)?.kind === 'frame') {
      rows.push({ text, kind: 'source' });
      lastSource = rows.length - 1;
    } else if (!/^\s/.test(text) && EXCEPTION.test(text)) {
      if (lastSource >= 0) rows[lastSource].kind = 'failing';
      rows.push({ text, kind: 'exception', name: EXCEPTION.exec(text)[1] });
      inFrames = false;
      lastSource = -1;
    } else {
      rows.push({ text, kind: 'text' });
    }
  }
  return rows;
}

/**
 * The line of this cell's own source that failed, counted from 1: the innermost frame in
 * `<cell In[count]>` (the name our kernel compiles each run under), or null when the error
 * happened elsewhere or the cell ran under another count.
 */
export function failingCellLine(lines, executionCount) {
  if (executionCount == null) return null;
  const name = `<cell In[${executionCount}]>`;
  let found = null;
  for (const row of classifyTraceback(lines)) if (row.kind === 'frame' && row.file === name) found = row.line;
  return found;
}
