// Unit tests of the text/event-stream reader used for execute streams (node --test wwwroot/test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readServerSentEvents } from '../src/notebook/sse.js';

function responseFrom(chunks) {
  const encoder = new TextEncoder();
  const stream = new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(stream);
}

async function collect(chunks) {
  const events = [];
  for await (const event of readServerSentEvents(responseFrom(chunks))) events.push(event);
  return events;
}

test('events split anywhere across chunks are read whole, with their ids', async () => {
  const text = 'id: 1\ndata: {"type":"execution","executionId":5}\n\nid: 2\ndata: {"type":"stdout","text":"héllo\\n"}\n\nid: 3\ndata: {"type":"done","status":"ok"}\n\n';
  for (const size of [1, 2, 7, 64, text.length]) {
    const chunks = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const events = await collect(chunks);
    assert.deepEqual(events.map((e) => e.id), ['1', '2', '3']);
    assert.equal(events[1].data.text, 'héllo\n');
    assert.equal(events[2].data.status, 'ok');
  }
});

test('comments, CRLF line ends and unparsable data are skipped', async () => {
  const events = await collect([': keep-alive\r\n\r\nid: 9\r\ndata: {"type":"stderr","text":"x"}\r\n\r\ndata: not json\n\n']);
  assert.equal(events.length, 1);
  assert.equal(events[0].id, '9');
  assert.equal(events[0].data.type, 'stderr');
});

test('a chunk of many thousand events is read in linear time', async () => {
  const one = 'id: 1\ndata: {"type":"stdout","text":"line\\n"}\n\n';
  const started = performance.now();
  const events = await collect([one.repeat(50_000)]);
  assert.equal(events.length, 50_000);
  assert.ok(performance.now() - started < 3000);
});
