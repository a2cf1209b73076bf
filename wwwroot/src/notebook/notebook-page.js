// The notebook editor: owns the list of cells, the selection and mode (command/edit), and wires
// the toolbar, keyboard, autosave, kernel badge, execution streams and dialogs together. Each
// concern lives in its own module; this file decides what happens when.
import { api } from './api.js';
import { Cell } from './cell.js';
import { renderMarkdown } from './markdown.js';
import { Autosave } from './autosave.js';
import { KernelBadge } from './kernel-badge.js';
import { execute } from './runner.js';
import { setWidgetHost } from './widgets.js';
import { reattachExecutions } from './reattach.js';
import { installCommandKeys, renderHelp } from './keyboard.js';
import { showHistory, downloadExecutionLog } from './dialogs.js';
import { copyCell, cutCell, pasteCell, mergeWithBelow, splitAtCursor } from './cell-edits.js';
import { failingCellLine, tracebackLines } from './traceback.js';
import { NotebookTitle } from './notebook-title.js';
import { SignedOutRecovery } from './signed-out.js';
import { interruptKernel, restartKernel, clearAllOutputs } from './kernel-actions.js';
import { ClearUndo } from './undo-clear.js';
import { KernelQueue } from './kernel-queue.js';
import { mergeOrAsk } from './merge-on-conflict.js';

export class NotebookPage {
  constructor(root) {
    this.root = root;
    this.notebookId = Number(root.dataset.notebookId);
    setWidgetHost({ notebookId: this.notebookId, updateDisplay: (displayId, output) => this.updateDisplay(displayId, output) });
    this.projectId = Number(root.dataset.projectId);
    this.list = root.querySelector('#cells');
    this.alert = root.querySelector('#notebook-alert');
    this.cells = [];
    this.selected = null;
    this.mode = 'command';
    this.deleted = [];
    this.runToken = 0; // bumped by interrupt/restart to stop Run all
    this.running = new Set();
    this.undoSeq = 0; // orders deletes and clears, so Z undoes the latest of either
    this.clears = new ClearUndo(this, root.querySelector('#notebook-toast'));
  }

  nextUndoSeq() { return ++this.undoSeq; }

  async start() {
    const notebook = await api('GET', `/api/notebooks/${this.notebookId}`);
    this.name = notebook.name;
    this.updatedAt = notebook.updatedAt;
    await this.showCells(notebook.cells);
    this.autosave = new Autosave({
      notebookId: this.notebookId,
      revision: notebook.revision,
      base: { name: notebook.name, cells: notebook.cells },
      indicator: this.root.querySelector('#save-state'),
      collect: () => this.cells.map((cell) => cell.toJSON()),
      collectName: () => this.name,
      onConflict: (current) => mergeOrAsk(this, current),
      onSaved: (saved) => { this.root.dataset.revision = saved.revision; this.recovery?.saved(); },
      onSignedOut: () => this.recovery.signedOut(),
    });
    this.recovery = new SignedOutRecovery(this, { userId: document.body.dataset.userId, username: document.body.dataset.username });
    await this.recovery.restoreDraft();
    this.queue = new KernelQueue(this, this.root.querySelector('[data-action="interrupt"]'));
    this.kernel = new KernelBadge(this.root.querySelector('#kernel-badge'), { onStatus: (kernel) => this.queue.update(kernel) });
    this.kernel.start({ prewarm: this.root.dataset.startKernel === 'true' }); // the first Run should not wait for the kernel
    this.title = new NotebookTitle(this.root.querySelector('#notebook-title'), {
      name: () => this.name,
      rename: (name) => { this.name = name; this.autosave.changed(); return this.autosave.saveNow(); },
    });
    this.#wireToolbar();
    installCommandKeys(this);
    this.list.dataset.loading = 'false';
    this.root.dataset.ready = 'true';
    performance.mark('notebook-ready'); // time to interactive, read by bench/editor
    reattachExecutions(this, notebook);
  }

  async showCells(cellData) {
    for (const cell of this.cells) cell.destroy();
    this.cells = [];
    this.list.replaceChildren();
    const markdownCells = cellData.filter((c) => c.type === 'markdown');
    const html = await renderMarkdown(markdownCells.map((c) => c.source ?? ''));
    const fragment = document.createDocumentFragment();
    for (const data of cellData) {
      const cell = new Cell(data, this);
      this.cells.push(cell);
      fragment.append(cell.element);
    }
    this.list.append(fragment);
    markdownCells.forEach((data, i) => this.cells.find((c) => c.id === data.id)?.showRendered(html[i]));
    if (this.cells.length === 0) this.insert(0, 'code', { focus: false });
    this.cells.forEach((c) => c.refreshLabel());
    this.select(this.cells[0], { mode: 'command', focus: false });
  }

  indexOf(cell) { return this.cells.indexOf(cell); }

  changed() { this.autosave?.changed(); this.recovery?.changed(); }

  // Live outputs must not push an edit's save back (a progress bar redraws ten times a second).
  outputsChanged() { this.autosave?.outputsChanged(); }

  select(cell, { mode = this.mode, focus = true, scroll = true } = {}) {
    if (!cell) return;
    if (this.selected && this.selected !== cell) this.selected.element.classList.remove('selected');
    this.selected = cell;
    cell.element.classList.add('selected');
    this.setMode(mode, focus, scroll);
    const typeSelect = this.root.querySelector('[data-action="change-type"]');
    if (typeSelect) typeSelect.value = cell.type;
  }

  // `scroll` false for a pointer's selection: the page must not move under the pointer between press and release.
  setMode(mode, focus = true, scroll = true) {
    this.mode = mode;
    this.root.dataset.mode = mode;
    for (const cell of this.cells) cell.element.classList.toggle('editing', mode === 'edit' && cell === this.selected);
    if (!focus || !this.selected) return;
    if (mode === 'edit') this.selected.edit();
    else {
      this.selected.element.focus({ preventScroll: true });
      if (scroll) this.selected.element.scrollIntoView({ block: 'nearest' });
    }
  }

  editorKey(cell, action) {
    this.select(cell, { mode: 'edit', focus: false });
    if (action === 'command-mode') this.setMode('command');
    else this.command(action);
  }

  insert(index, type = 'code', { focus = true } = {}) {
    const cell = new Cell({ type, source: '' }, this);
    this.cells.splice(index, 0, cell);
    const before = this.list.children[index] ?? null;
    this.list.insertBefore(cell.element, before);
    this.cells.forEach((c) => c.refreshLabel());
    this.changed();
    if (focus) this.select(cell, { mode: 'edit' });
    return cell;
  }

  remove(cell) {
    const index = this.indexOf(cell);
    if (index < 0) return;
    this.deleted.push({ index, data: cell.toJSON(), seq: this.nextUndoSeq() });
    cell.destroy();
    this.cells.splice(index, 1);
    if (this.cells.length === 0) this.insert(0, 'code', { focus: false });
    this.cells.forEach((c) => c.refreshLabel());
    this.select(this.cells[Math.min(index, this.cells.length - 1)], { mode: 'command' });
    this.changed();
  }

  /** Z: undoes the latest delete (or cut) or outputs clear, whichever came last. */
  undo() {
    if (this.clears.lastSeq > (this.deleted.at(-1)?.seq ?? 0)) return this.clears.undo();
    return this.undoDelete();
  }

  undoDelete() {
    const last = this.deleted.pop();
    if (!last) return;
    const cell = this.insertData(last.index, last.data);
    this.select(cell, { mode: 'command' });
    this.changed();
  }

  /** A cell made from saved data (undo, paste, split) at `index`; markdown shows rendered. */
  insertData(index, data) {
    const cell = new Cell(data, this);
    const at = Math.min(index, this.cells.length);
    this.cells.splice(at, 0, cell);
    this.list.insertBefore(cell.element, this.list.children[at] ?? null);
    if (cell.type === 'markdown') cell.render().catch((error) => this.showAlert(error.message));
    this.cells.forEach((c) => c.refreshLabel());
    return cell;
  }

  move(cell, delta) {
    const index = this.indexOf(cell);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= this.cells.length) return;
    this.cells.splice(index, 1);
    this.cells.splice(target, 0, cell);
    const reference = delta < 0 ? this.cells[target + 1].element : this.cells[target - 1].element.nextSibling;
    this.list.insertBefore(cell.element, reference);
    this.cells.forEach((c) => c.refreshLabel());
    this.select(cell, { mode: 'command' });
    this.changed();
  }

  setType(cell, type) {
    cell.setType(type);
    if (type === 'markdown') cell.render().catch((error) => this.showAlert(error.message));
    this.select(cell, { mode: 'command' });
    this.changed();
  }

  async command(action) {
    const cell = this.selected;
    const index = this.indexOf(cell);
    switch (action) {
      case 'edit': return this.select(cell, { mode: 'edit' });
      case 'run': case 'run-cell': return this.runCell(cell, 'stay');
      case 'run-advance': return this.runCell(cell, 'advance');
      case 'run-insert': return this.runCell(cell, 'insert');
      case 'run-all': return this.runMany(this.cells);
      case 'run-above': return this.runMany(this.cells.slice(0, index));
      case 'insert-above': return this.insert(index, 'code');
      case 'insert-below': case 'add-code': return this.insert(index + 1, 'code');
      case 'add-markdown': return this.insert(index + 1, 'markdown');
      case 'delete': return this.remove(cell);
      case 'undo-delete': return this.undo();
      case 'copy': return copyCell(this, cell);
      case 'cut': return cutCell(this, cell);
      case 'paste-below': return pasteCell(this, 'below');
      case 'paste-above': return pasteCell(this, 'above');
      case 'merge-below': return mergeWithBelow(this, cell);
      case 'split': return splitAtCursor(this, cell);
      case 'save': return this.autosave.saveNow();
      case 'move-up': return this.move(cell, -1);
      case 'move-down': return this.move(cell, 1);
      case 'to-markdown': return this.setType(cell, 'markdown');
      case 'to-code': return this.setType(cell, 'code');
      case 'to-raw': return this.setType(cell, 'raw');
      case 'select-up': return this.select(this.cells[Math.max(0, index - 1)], { mode: 'command' });
      case 'select-down': return this.select(this.cells[Math.min(this.cells.length - 1, index + 1)], { mode: 'command' });
      case 'interrupt': return this.interrupt();
      case 'restart': return this.restart();
      case 'clear-outputs': return this.clears.clear([cell], 'the outputs of this cell');
      case 'clear-all-outputs': return this.clearAllOutputs();
      case 'help': return this.openDialog('#help-dialog');
      default: return undefined;
    }
  }

  /** Runs (or renders) one cell, then moves on as Jupyter does. */
  async runCell(cell, then) {
    const index = this.indexOf(cell);
    const pending = this.runOne(cell);
    if (then === 'advance') {
      const next = this.cells[index + 1] ?? this.insert(index + 1, 'code', { focus: false });
      this.select(next, { mode: next.type === 'code' ? 'edit' : 'command' });
    } else if (then === 'insert') {
      this.insert(index + 1, 'code');
    } else {
      this.select(cell, { mode: cell.type === 'markdown' ? 'command' : this.mode });
    }
    return pending;
  }

  /** One cell: markdown renders, code executes with streamed output. Resolves with the final status. */
  async runOne(cell, { queued = false } = {}) {
    if (cell.type === 'markdown') {
      try { await cell.render(); return 'ok'; } catch (error) { this.showAlert(error.message); return 'error'; }
    }
    if (cell.type !== 'code') return 'ok';
    if (!queued) cell.setState('queued');
    cell.outputs.clear();
    cell.editor.markFailingLine(null);
    this.running.add(cell);
    this.kernel.setBusy(true);
    const done = await execute({ notebookId: this.notebookId, cellId: cell.id, code: cell.source }, (event) => this.onCellEvent(cell, event));
    return this.finish(cell, done);
  }

  onCellEvent(cell, event) {
    if (event.type === 'set_next_input') return this.setNextInput(cell, event);
    if (event.type === 'status' && event.state === 'running') cell.setState('running');
    else if (event.type === 'status' && event.state === 'starting') cell.setState('running', event.message || 'Starting the kernel…');
    else if (event.type === 'connection') cell.setState('running', 'Reconnecting…');
    else if (event.type === 'stdout' || event.type === 'stderr' || event.type === 'display') { if (cell.state !== 'running') cell.setState('running'); }
    cell.outputs.push(event);
    if (event.type !== 'status' && event.type !== 'connection' && event.type !== 'done') this.outputsChanged();
  }

  /** %load: the text becomes the running cell's source (replace) or a new code cell below it. */
  setNextInput(cell, { text = '', replace = false }) {
    if (replace) cell.editor.setSource(text);
    else this.insert(this.indexOf(cell) + 1, 'code', { focus: false }).editor.setSource(text);
    this.changed();
  }

  finish(cell, done) {
    cell.outputs.flush();
    this.running.delete(cell);
    if (this.running.size === 0) this.kernel.setBusy(false);
    if (done.executionCount != null) cell.executionCount = done.executionCount;
    const status = done.status ?? 'error';
    const seconds = done.durationMs != null ? ` in ${(done.durationMs / 1000).toFixed(done.durationMs < 10_000 ? 2 : 0)} s` : '';
    cell.setState(status === 'ok' ? 'done' : status, status === 'ok' ? `Done${seconds}` : '');
    if (status === 'error') this.#markFailingLine(cell);
    this.autosave?.resultsChanged();
    return status;
  }

  // The line of the cell's own source that raised (its last frame in this run), marked in the editor.
  #markFailingLine(cell) {
    const error = cell.outputs.toNotebookOutputs().findLast((output) => output.output_type === 'error');
    if (error) cell.editor.markFailingLine(failingCellLine(tracebackLines(error), cell.executionCount));
  }

  /** Run all / Run all above: one after another, stopping at the first cell that does not finish ok. */
  async runMany(cells) {
    const token = ++this.runToken;
    const code = cells.filter((c) => c.type === 'code');
    for (const cell of code) cell.setState('queued');
    for (const cell of cells) {
      if (token !== this.runToken) break;
      const status = await this.runOne(cell, { queued: true });
      if (status !== 'ok') break;
    }
    for (const cell of code) if (cell.state === 'queued') cell.setState('idle');
  }

  // Completion candidates (Tab) and help (Shift+Tab) for a cell from the running kernel. null when
  // the request fails: typing goes on, and the editor says so for help; the answer's `kernel` field
  // tells a busy or absent kernel apart.
  complete(code, cursor) { return this.#askKernel('/api/complete', code, cursor); }

  inspect(code, cursor) { return this.#askKernel('/api/inspect', code, cursor); }

  async #askKernel(path, code, cursor) {
    try {
      return await api('POST', path, { notebookId: this.notebookId, code, cursor });
    } catch {
      return null;
    }
  }

  interrupt() { return interruptKernel(this); }

  restart() { return restartKernel(this); }

  clearAllOutputs() { return clearAllOutputs(this); }

  /** update_display from a running cell: the output with that display id may be in any cell. */
  updateDisplay(displayId, output) {
    let replaced = false;
    for (const cell of this.cells) replaced = cell.outputs.replaceDisplay(displayId, output) || replaced;
    if (!replaced) return;
    if (this.running.size > 0) this.outputsChanged(); // a bar redrawn while cells run
    else this.autosave?.resultsChanged(); // a widget's callback: one answer to the student's click
  }

  /** The student's line for input() in a running cell; rejects with the server's sentence (e.g. 409). */
  answerInput(executionId, value) { return api('POST', `/api/executions/${executionId}/input`, { value }); }

  downloadLog(executionId) { return downloadExecutionLog(executionId, this.name).catch((error) => this.showAlert(error.message)); }

  showAlert(message) {
    this.alert.hidden = !message;
    this.alert.textContent = message;
  }

  openDialog(selector) {
    const dialog = this.root.querySelector(selector);
    if (selector === '#help-dialog') renderHelp(dialog.querySelector('#help-body'));
    if (selector === '#history-dialog') showHistory(this, dialog);
    dialog.showModal();
  }

  #wireToolbar() {
    const toolbar = this.root.querySelector('.notebook-toolbar');
    toolbar.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (!button) return;
      const mode = this.mode;
      this.command(button.dataset.action);
      // Run from command mode stays in command mode on the next cell (Jupyter's toolbar Run).
      if (mode === 'command' && button.dataset.action.startsWith('run')) this.setMode('command');
    });
    toolbar.querySelector('[data-action="change-type"]').addEventListener('change', (event) => this.setType(this.selected, event.target.value));
    this.root.querySelector('#help-button').addEventListener('click', () => this.openDialog('#help-dialog'));
    this.root.querySelector('#history-button').addEventListener('click', () => this.openDialog('#history-dialog'));
    for (const dialog of this.root.querySelectorAll('dialog')) {
      dialog.addEventListener('click', (event) => { if (event.target.closest('[data-choice="close"]')) dialog.close(); });
    }
  }
}
