// Reads a text/event-stream from a fetch() response body (EventSource cannot POST or set headers):
// yields {id, data} per event, data parsed as JSON. Handles events split across network chunks.

export async function* readServerSentEvents(response, signal) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let id = null;
  let data = [];
  try {
    for (;;) {
      if (signal?.aborted) return;
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      // Walk the buffer with an index and cut it once per chunk: slicing per line would copy the
      // rest of a large chunk for every line (quadratic on a 64 KiB batch of short lines).
      let start = 0;
      let newline;
      while ((newline = buffer.indexOf('\n', start)) >= 0) {
        let line = buffer.slice(start, newline);
        start = newline + 1;
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line === '') {
          if (data.length) {
            let parsed = null;
            try { parsed = JSON.parse(data.join('\n')); } catch { parsed = null; }
            if (parsed) yield { id, data: parsed };
          }
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'id') id = value;
        else if (field === 'data') data.push(value);
      }
      buffer = buffer.slice(start);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
