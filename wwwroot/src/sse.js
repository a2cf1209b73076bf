// Reads a text/event-stream from a fetch() response body (EventSource cannot POST), calling
// onEvent(data, id) for each event's parsed JSON data. Resolves when the stream ends.
export async function readEventStream(response, onEvent) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let data = '';
      let id = null;
      for (const line of block.split('\n')) {
        if (line.startsWith('data:')) data += line.slice(line.startsWith('data: ') ? 6 : 5);
        else if (line.startsWith('id:')) id = line.slice(3).trim();
      }
      if (data) onEvent(JSON.parse(data), id);
    }
  }
}

export function antiforgeryHeaders() {
  const token = document.querySelector('meta[name="antiforgery-token"]')?.content ?? '';
  return { 'X-CSRF-TOKEN': token };
}
