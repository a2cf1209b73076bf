// The toolbar's actions that stop or throw away work, each asking first where work is lost:
// interrupt (when the running cell is another notebook's: one kernel serves them all), restart
// (every notebook's variables), clear all outputs (undoable, undo-clear.js).
import { api } from './api.js';
import { confirmAction } from './confirm.js';

export async function interruptKernel(page) {
  // One kernel for all notebooks: stopping another notebook's cell is said, and asked, first.
  if (page.queue.runningElsewhere) {
    const target = page.queue.target;
    const sure = await confirmAction({
      title: `Interrupt ${target}?`,
      detail: `Your kernel is running ${target}, not a cell of this notebook. Interrupting stops it and the cells queued after it.`,
      action: `Interrupt ${target}`,
    });
    if (!sure) return;
  }
  page.runToken++;
  try { await api('POST', '/api/kernel/interrupt'); } catch (error) { page.showAlert(`Could not interrupt: ${error.message}`); }
  page.kernel.poll();
}

export async function restartKernel(page) {
  const lost = page.kernel.last?.notebooksWithVariables ?? 0;
  const sure = await confirmAction({
    title: 'Restart the kernel?',
    detail: `The variables of all notebooks in your kernel (${lost} open) are lost. Outputs and code stay.`,
    action: 'Restart',
  });
  if (!sure) return;
  page.runToken++;
  const badge = page.root.querySelector('#kernel-badge');
  badge.dataset.state = 'starting';
  badge.textContent = 'Kernel: restarting…';
  try { await api('POST', '/api/kernel/restart'); } catch (error) { page.showAlert(`Could not restart the kernel: ${error.message}`); }
  page.kernel.poll();
}

export async function clearAllOutputs(page) {
  const sure = await confirmAction({
    title: 'Clear all outputs?',
    detail: 'The outputs of every cell in this notebook are cleared (you can undo it for a few seconds, or with Z).',
    action: 'Clear all outputs',
  });
  if (sure) page.clears.clear(page.cells, 'all outputs');
}
