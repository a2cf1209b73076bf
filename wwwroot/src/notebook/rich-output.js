// Rich outputs (display_data and execute_result MIME bundles): widgets, HTML/JS in a sandboxed
// frame, SVG and bitmap images, markdown and LaTeX through the server's sanitizer and KaTeX, JSON
// and plain text. The richest type the bundle holds wins, as in Jupyter.
import { createOutputFrame } from './output-frame.js';
import { renderMarkdown, showMarkdown } from './markdown.js';
import { WIDGET_MIME, renderWidget } from './widgets.js';
import { setTerminalText } from './terminal-text.js';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export function joinText(value) {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}

/** One bundle as DOM; a widget's own outputs go through `renderNested(element, outputs)`. */
export function renderRich(output, renderNested) {
  const data = output.data ?? {};
  const wrapper = document.createElement('div');
  wrapper.className = 'output output-rich';
  if (data[WIDGET_MIME] !== undefined) {
    const widget = renderWidget(data[WIDGET_MIME], renderNested);
    wrapper.updateInPlace = (next) => widget.updateInPlace(next.data?.[WIDGET_MIME]);
    wrapper.append(widget);
    return wrapper;
  }
  const html = data['text/html'];
  const script = data['application/javascript'];
  if (html !== undefined || script !== undefined) {
    let content = html !== undefined ? joinText(html) : '';
    if (script !== undefined) content += `<script>${joinText(script).replace(/<\/script/gi, '<\\/script')}</script>`;
    wrapper.append(createOutputFrame(content));
    return wrapper;
  }
  const svg = data['image/svg+xml'];
  if (svg !== undefined) {
    wrapper.append(image(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(joinText(svg))}`, output));
    return wrapper;
  }
  const type = IMAGE_TYPES.find((t) => data[t] !== undefined);
  if (type) {
    wrapper.append(image(`data:${type};base64,${joinText(data[type]).replace(/\s/g, '')}`, output));
    return wrapper;
  }
  const markdown = data['text/markdown'] ?? latexAsMarkdown(data['text/latex']);
  if (markdown !== undefined) {
    wrapper.append(renderedMarkdown(joinText(markdown)));
    return wrapper;
  }
  const pre = document.createElement('pre');
  pre.className = 'output output-result';
  const text = data['application/json'] ?? data['text/plain'];
  setTerminalText(pre, typeof text === 'object' && !Array.isArray(text) ? JSON.stringify(text, null, 2) : joinText(text));
  wrapper.append(pre);
  return wrapper;
}

/** Markdown (and LaTeX) outputs go through the same server-side sanitizer and KaTeX as markdown cells. */
function renderedMarkdown(source) {
  const element = document.createElement('div');
  element.className = 'markdown output-markdown';
  // Empty until the rendering arrives (a live cell redrawing it would flash the raw source); the
  // source itself if rendering fails.
  if (source.trim()) renderMarkdown([source]).then(([html]) => showMarkdown(element, html ?? ''), () => { element.textContent = source; });
  return element;
}

function latexAsMarkdown(latex) {
  if (latex === undefined) return undefined;
  const text = joinText(latex).trim();
  // IPython's Math() and most _repr_latex_ already carry $ delimiters; bare LaTeX is display math.
  return /^(\$|\\\(|\\\[)/.test(text) ? text : `$$\n${text}\n$$`;
}

function image(src, output) {
  const img = document.createElement('img');
  img.className = 'output-image';
  img.alt = joinText(output.data?.['text/plain']) || 'Figure output';
  img.src = src;
  const size = output.metadata?.[Object.keys(output.data ?? {}).find((k) => k.startsWith('image/'))] ?? {};
  if (size.width) img.width = size.width;
  return img;
}
