// Re-attaching after a reload or a closed tab ("Reconnect"): executions of this notebook
// still queued or running are followed again from their first event (the server keeps the log),
// and outputs of executions that finished while no page was open are fetched and saved.
import { api } from './api.js';
import { attach } from './runner.js';

export async function reattachExecutions(page, notebook) {
  let executions;
  try { executions = await api('GET', `/api/notebooks/${page.notebookId}/executions`); } catch { return; }
  for (const record of executions ?? []) {
    const cell = page.cells.find((c) => c.id === record.cellId);
    if (!cell || cell.type !== 'code') continue;
    if (record.status === 'queued' || record.status === 'running') {
      cell.outputs.clear();
      cell.setState(record.status);
      page.running.add(cell);
      page.kernel.setBusy(true);
      attach(record.id, 0, (event) => page.onCellEvent(cell, event)).then((done) => page.finish(cell, done));
    } else if (record.finishedAt && new Date(record.finishedAt) > new Date(notebook.updatedAt)) {
      try {
        const finished = await api('GET', `/api/executions/${record.id}`);
        cell.outputs.load(finished.outputs ?? []);
        cell.outputs.executionId = record.id;
        cell.executionCount = finished.executionCount ?? cell.executionCount;
        cell.setState(finished.status === 'ok' ? 'done' : finished.status);
        page.changed();
      } catch { /* keep what the notebook stored */ }
    }
  }
}
