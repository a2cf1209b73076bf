// Markdown cells: the server renders and sanitizes (POST /api/markdown, Markdig + HtmlSanitizer),
// the browser only typesets the math spans Markdig leaves behind with KaTeX (no network, no eval).
import katex from 'katex';
import { api } from './api.js';

/** Renders many sources in one request; answers sanitized HTML strings in the same order. */
export async function renderMarkdown(sources) {
  if (sources.length === 0) return [];
  const answer = await api('POST', '/api/markdown', { sources });
  return answer.html;
}

function stripDelimiters(text) {
  const t = text.trim();
  for (const [open, close] of [['\\(', '\\)'], ['\\[', '\\]'], ['$$', '$$'], ['$', '$']]) {
    if (t.startsWith(open) && t.endsWith(close) && t.length >= open.length + close.length) {
      return t.slice(open.length, t.length - close.length);
    }
  }
  return t;
}

/** Puts server-sanitized HTML into the element and typesets its math. */
export function showMarkdown(element, html) {
  element.innerHTML = html;
  for (const math of element.querySelectorAll('.math')) {
    const display = math.tagName === 'DIV';
    try {
      katex.render(stripDelimiters(math.textContent), math, { displayMode: display, throwOnError: false, trust: false, strict: 'ignore' });
    } catch {
      math.classList.add('math-error');
    }
  }
  if (!element.textContent.trim() && !element.querySelector('img,table,hr')) {
    element.innerHTML = '<p class="muted">Empty markdown cell — double-click or press Enter to edit.</p>';
  }
}
