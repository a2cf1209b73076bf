// Clearing outputs can be undone: each clear keeps what the cells showed (outputs, In [n], state)
// and offers "Undo" in a toast for a few seconds; Z in command mode undoes the latest clear or
// delete, whichever came last (the page compares their sequence numbers).
const TOAST_MS = 8000;

export class ClearUndo {
  constructor(page, toastHost) {
    this.page = page;
    this.toastHost = toastHost;
    this.stack = []; // {seq, cells: [{cell, outputs, executionCount, state}]}
    this.toastTimer = 0;
  }

  get lastSeq() { return this.stack.at(-1)?.seq ?? 0; }

  /** Clears the outputs of `cells` (running ones are left alone) and remembers them for undo. */
  clear(cells, what) {
    const cleared = cells.filter((cell) => cell.type === 'code' && !this.page.running.has(cell));
    const kept = cleared.map((cell) => ({ cell, outputs: cell.outputs.toNotebookOutputs(), executionCount: cell.executionCount, state: cell.state }));
    for (const cell of cleared) {
      cell.outputs.clear();
      cell.executionCount = null;
      cell.setState('idle');
    }
    this.stack.push({ seq: this.page.nextUndoSeq(), cells: kept });
    this.page.changed();
    this.#toast(`Cleared ${what}.`);
  }

  undo() {
    const last = this.stack.pop();
    if (!last) return;
    for (const { cell, outputs, executionCount, state } of last.cells) {
      if (!this.page.cells.includes(cell) || this.page.running.has(cell)) continue; // deleted or running since
      cell.outputs.load(outputs);
      cell.executionCount = executionCount;
      cell.setState(state);
    }
    this.page.changed();
    this.#hideToast();
  }

  #toast(text) {
    clearTimeout(this.toastTimer);
    this.toastHost.replaceChildren();
    const words = document.createElement('span');
    words.textContent = text;
    const undo = document.createElement('button');
    undo.type = 'button';
    undo.className = 'button secondary small';
    undo.dataset.action = 'undo-clear';
    undo.textContent = 'Undo';
    undo.addEventListener('click', () => this.undo());
    this.toastHost.append(words, undo);
    this.toastHost.hidden = false;
    this.toastTimer = setTimeout(() => this.#hideToast(), TOAST_MS);
  }

  #hideToast() {
    clearTimeout(this.toastTimer);
    this.toastHost.hidden = true;
    this.toastHost.replaceChildren();
  }
}
