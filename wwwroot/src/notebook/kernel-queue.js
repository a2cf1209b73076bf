// One kernel runs all of a student's notebooks, one cell at a time. From the kernel status
// (GET /api/kernel `running`: notebook id, name, cell index) this says on each queued cell what it
// waits for, with a link to that notebook, and names on Interrupt the cell it would stop.
const INTERRUPT_TITLE = 'Interrupt the kernel (I, I)';

/** What the kernel runs, from GET /api/kernel's `running`: {waiting: "“A”, cell 2", target: "“A” cell 2"}. */
export function describeRunning(running, notebookId) {
  if (!running) return null;
  const cell = running.cellIndex != null ? `cell ${running.cellIndex}` : 'a cell';
  if (running.notebookId === notebookId) return { waiting: `${cell} of this notebook`, target: cell };
  return { waiting: `“${running.notebookName}”, ${cell}`, target: `“${running.notebookName}” ${cell}` };
}

export class KernelQueue {
  constructor(page, interruptButton) {
    this.page = page;
    this.interruptButton = interruptButton;
    this.running = null;
  }

  /** Whether the running cell is another notebook's (Interrupt then asks, naming it). */
  get runningElsewhere() { return this.running != null && this.running.notebookId !== this.page.notebookId; }

  /** The cell Interrupt would stop, in words ("“A” cell 2"), or null when nothing runs. */
  get target() { return describeRunning(this.running, this.page.notebookId)?.target ?? null; }

  update(kernel) {
    this.running = kernel?.state === 'busy' ? kernel.running ?? null : null;
    const what = describeRunning(this.running, this.page.notebookId);
    if (this.interruptButton) {
      this.interruptButton.title = what ? `Interrupt ${what.target} (I, I)` : INTERRUPT_TITLE;
      this.interruptButton.dataset.target = what?.target ?? '';
    }
    for (const cell of this.page.cells) if (cell.state === 'queued') this.#showWaiting(cell, what);
  }

  #showWaiting(cell, what) {
    if (!what || this.running.cellId === cell.id) { cell.stateElement.textContent = 'Queued'; return; }
    const link = document.createElement('a');
    link.href = `/notebooks/${this.running.notebookId}#cell-${this.running.cellId ?? ''}`;
    link.textContent = what.waiting;
    cell.stateElement.replaceChildren('Waiting for ', link);
  }
}
