// One cell on the page: its DOM (prompt, editor, rendered markdown, outputs, state), its model
// (id, type, source, outputs, executionCount, metadata) and the transitions between edit and
// rendered views. The notebook (notebook-page.js) owns the list and decides what happens when.
import { createEditor } from './editor.js';
import { OutputArea } from './outputs.js';
import { showMarkdown, renderMarkdown } from './markdown.js';

export function newCellId() {
  return (crypto.randomUUID?.() ?? `${Date.now()}${Math.random()}`).replace(/[^a-z0-9]/gi, '').slice(0, 12);
}

export class Cell {
  #renders = 0; // counts render requests and returns to the editor; only the latest render shows
  #executionCount = null;

  constructor(data, page) {
    this.page = page;
    this.id = data.id || newCellId();
    this.type = data.type ?? 'code';
    this.metadata = data.metadata ?? undefined;
    this.attachments = data.attachments ?? undefined;
    this.state = 'idle'; // idle | queued | running | done | error
    this.renderedHtml = null;
    this.editing = this.type !== 'markdown';
    this.#build(data.source ?? '');
    this.executionCount = data.executionCount ?? null;
    this.outputs.load(data.outputs ?? []);
  }

  get executionCount() { return this.#executionCount; }

  /** The count shows in the cell's `In [n]:` and its result's `Out[n]:`. */
  set executionCount(count) {
    this.#executionCount = count ?? null;
    this.outputs.setExecutionCount(this.#executionCount);
  }

  #build(source) {
    const li = document.createElement('li');
    li.className = 'cell';
    li.dataset.cellId = this.id;
    li.id = `cell-${this.id}`;
    li.tabIndex = -1;
    li.innerHTML = `
      <div class="cell-input">
        <div class="prompt" aria-hidden="true"></div>
        <div class="cell-body">
          <div class="cell-editor"></div>
          <div class="markdown" hidden></div>
        </div>
      </div>
      <div class="cell-state" role="status" aria-live="polite"></div>
      <div class="outputs" aria-label="Output" role="region" hidden></div>`;
    this.element = li;
    this.prompt = li.querySelector('.prompt');
    this.stateElement = li.querySelector('.cell-state');
    this.markdownElement = li.querySelector('.markdown');
    this.outputs = new OutputArea(li.querySelector('.outputs'), {
      onLogRequested: (id) => this.page.downloadLog(id),
      onInput: (id, value) => this.page.answerInput(id, value),
      onUpdateDisplay: (displayId, output) => this.page.updateDisplay(displayId, output),
    });
    this.editor = createEditor(li.querySelector('.cell-editor'), {
      source,
      type: this.type,
      label: "Cell source",
      onChange: () => this.page.changed(this),
      onKey: (action) => { this.page.editorKey(this, action); return true; },
      onFocus: () => this.page.select(this, { mode: 'edit' }),
      onComplete: (code, cursor) => this.page.complete(code, cursor),
      onInspect: (code, cursor) => this.page.inspect(code, cursor),
    });
    li.addEventListener('mousedown', (event) => {
      if (!event.target.closest('.cell-editor')) this.page.select(this, { mode: 'command', scroll: false });
    });
    this.markdownElement.addEventListener('dblclick', () => { this.page.select(this); this.edit(); });
    this.#refresh();
  }

  get source() { return this.editor.source; }

  toJSON() {
    const cell = { id: this.id, type: this.type, source: this.source };
    if (this.type === 'code') {
      cell.outputs = this.outputs.toNotebookOutputs();
      cell.executionCount = this.executionCount;
    }
    if (this.metadata) cell.metadata = this.metadata;
    if (this.attachments) cell.attachments = this.attachments;
    return cell;
  }

  setType(type) {
    if (type === this.type) return;
    this.#renders++;
    this.type = type;
    this.editor.setType(type);
    if (type !== 'code') { this.outputs.clear(); this.executionCount = null; this.setState('idle'); }
    this.editing = true;
    this.renderedHtml = null;
    this.#refresh();
  }

  setState(state, detail = '') {
    this.state = state;
    this.element.dataset.state = state;
    const words = { queued: 'Queued', running: 'Running…', error: 'Error', interrupted: 'Interrupted', killed: 'Stopped' };
    this.stateElement.textContent = detail || words[state] || '';
    this.#refresh();
  }

  /** Markdown: back to the source editor. */
  edit() {
    if (this.type !== 'markdown') { this.editor.focus(); return; }
    this.#renders++; // a render still on its way must not close the editor the student just opened
    this.editing = true;
    this.#refresh();
    this.editor.focus();
  }

  /** Markdown: rendered on the server, math by KaTeX. */
  async render() {
    if (this.type !== 'markdown') return;
    const ticket = ++this.#renders;
    const source = this.source;
    const [html] = await renderMarkdown([source]);
    // The answer takes a round trip: by then the student may have pressed Enter and typed (M then
    // Enter at once is a common habit), changed the type, or asked for a newer render.
    if (ticket !== this.#renders || this.type !== 'markdown' || this.source !== source) return;
    this.showRendered(html);
  }

  showRendered(html) {
    this.renderedHtml = html;
    this.editing = false;
    showMarkdown(this.markdownElement, html);
    this.#refresh();
  }

  #refresh() {
    const li = this.element;
    li.dataset.type = this.type;
    li.classList.toggle('cell-code', this.type === 'code');
    li.classList.toggle('cell-markdown', this.type === 'markdown');
    const rendered = this.type === 'markdown' && !this.editing && this.renderedHtml !== null;
    li.querySelector('.cell-editor').hidden = rendered;
    this.markdownElement.hidden = !rendered;
    const count = this.state === 'running' || this.state === 'queued' ? '*' : (this.executionCount ?? ' ');
    this.prompt.textContent = this.type === 'code' ? `In [${count}]:` : '';
    li.setAttribute('aria-label', `Cell ${this.page.indexOf(this) + 1}, ${this.type}${this.type === 'code' && this.executionCount ? `, run ${this.executionCount}` : ''}`);
  }

  refreshLabel() { this.#refresh(); }

  destroy() {
    this.outputs.clear();
    this.editor.destroy();
    this.element.remove();
  }
}
