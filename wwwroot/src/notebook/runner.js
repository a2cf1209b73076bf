// Runs code over the execute stream and keeps following it: POST /api/execute/stream, then, if the
// connection drops before "done" (network loss, server restart), GET /api/executions/{id}/events
// with Last-Event-ID until it ends. Every event object goes to onEvent, in order, exactly once.
import { antiforgeryToken } from './api.js';
import { readServerSentEvents } from './sse.js';

const RETRY_MS = [500, 1000, 2000, 4000, 8000]; // backoff between reconnects, then every 8 s
const YIELD_EVERY_EVENTS = 200;

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

/** Starts an execution; resolves with the final "done" event. */
export function execute({ notebookId, cellId, code }, onEvent) {
  return start('/api/execute/stream', { notebookId, cellId, code }, 'Could not run the cell', onEvent);
}

/** One of interact's controls moved: its function runs again (an update_display event follows). */
export function changeWidget(widgetId, { notebookId, values }, onEvent) {
  return start(`/api/widgets/${encodeURIComponent(widgetId)}`, { notebookId, values }, 'Could not run the control', onEvent);
}

async function start(url, body, failure, onEvent) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'X-CSRF-TOKEN': antiforgeryToken() },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = `The server answered ${response.status}.`;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
    const done = { type: 'done', status: 'error', reason: `${failure}: ${detail}` };
    onEvent(done);
    return done;
  }
  return follow(response, null, 0, onEvent);
}

/** Re-attaches to an execution (after a reload) from the event after lastEventId. */
export function attach(executionId, lastEventId, onEvent) {
  return follow(null, executionId, lastEventId, onEvent);
}

async function follow(firstResponse, executionId, lastEventId, onEvent) {
  let response = firstResponse;
  let last = lastEventId;
  let id = executionId;
  let handled = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      if (!response) {
        if (id === null) break;
        response = await fetch(`/api/executions/${id}/events`, {
          credentials: 'same-origin',
          headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(last) },
        });
        if (response.status === 404) break;
        if (!response.ok) throw new Error(`events ${response.status}`);
      }
      for await (const { id: eventId, data } of readServerSentEvents(response)) {
        const sequence = Number(eventId);
        if (Number.isFinite(sequence) && eventId !== null) {
          if (sequence <= last) continue; // already seen (replay overlap)
          last = sequence;
        }
        if (data.type === 'execution' && data.executionId) id = data.executionId;
        onEvent(data);
        if (data.type === 'done') return data;
        // A network chunk can hold thousands of events; let input and rendering in between.
        if (++handled % YIELD_EVERY_EVENTS === 0) await sleep(0);
        attempt = 0;
      }
    } catch {
      // the connection dropped; the execution keeps running on the server
    }
    response = null;
    if (id === null) break;
    onEvent({ type: 'connection', state: 'reconnecting' });
    await sleep(RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
  }
  const lost = { type: 'done', status: 'error', reason: 'Lost the connection to this execution before it finished.' };
  onEvent(lost);
  return lost;
}
