// An error output: the traceback coloured as Jupyter colours it, with the line that failed
// marked (traceback.js reads the lines), and the Out[n]: prompt of a result.
import { setTerminalText } from './terminal-text.js';
import { classifyTraceback, hasAnsi, tracebackLines } from './traceback.js';

export function outPrompt(output, cellCount) {
  const count = output.execution_count ?? cellCount;
  return `Out[${count ?? ' '}]:`;
}

/**
 * A traceback coloured as Jupyter colours it: frames, the exception's name, and the line that
 * failed marked (traceback.js reads Python's plain format; ANSI-coloured ones render as they are).
 */
export function renderError(output) {
  const pre = document.createElement('pre');
  pre.className = 'output output-error';
  const lines = tracebackLines(output);
  if (hasAnsi(lines)) {
    setTerminalText(pre, lines.join('\n'));
    return pre;
  }
  classifyTraceback(lines).forEach((row, index) => {
    if (index > 0) pre.append('\n');
    if (row.kind === 'text') { pre.append(row.text); return; }
    const span = document.createElement('span');
    span.className = `tb-${row.kind}`;
    if (row.kind === 'exception') {
      const name = document.createElement('span');
      name.className = 'tb-ename';
      name.textContent = row.name;
      span.append(name, row.text.slice(row.name.length));
    } else {
      span.textContent = row.text;
    }
    if (row.kind === 'failing') span.title = 'The line that failed';
    pre.append(span);
  });
  return pre;
}
