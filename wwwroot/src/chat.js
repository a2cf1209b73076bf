// Chat page: sends the conversation to POST /api/chat and shows the reply token by token.
// Stop aborts the request; the server then interrupts generation in the student's kernel. A request
// the server refuses (a setting out of range) is an error under the form, never the model's reply.
import { readEventStream, antiforgeryHeaders } from './sse.js';

const form = document.getElementById('chat-form');
const log = document.getElementById('chat-log');
const input = document.getElementById('chat-input');
const send = document.getElementById('chat-send');
const stop = document.getElementById('chat-stop');
const clear = document.getElementById('chat-clear');
const status = document.getElementById('chat-status');
const problem = document.getElementById('chat-problem');
const about = document.getElementById('chat-about');
const messages = [];
let running = null;

function addMessage(role, text) {
  const item = document.createElement('li');
  item.className = `chat-message chat-${role}`;
  const who = document.createElement('span');
  who.className = 'chat-role';
  who.textContent = role === 'user' ? 'You' : 'Model';
  const body = document.createElement('div');
  body.className = 'chat-text';
  body.textContent = text;
  item.append(who, body);
  log.append(item);
  item.scrollIntoView({ block: 'end' });
  return body;
}

function setRunning(controller) {
  running = controller;
  send.disabled = !!controller;
  stop.disabled = !controller;
  input.disabled = !!controller;
}

function showProblem(message) {
  problem.hidden = !message;
  problem.textContent = message ?? '';
}

/** A refusal from the server: its sentence, said as the page's error. */
class Refused extends Error {}

async function ask() {
  const text = input.value.trim();
  if (!text || running) return;
  showProblem(null);
  // Enter sends without the form's submit, so the fields' own limits (max tokens …) are checked here.
  if (!form.checkValidity()) {
    const field = [...form.elements].find((element) => element.willValidate && !element.validity.valid);
    showProblem(`${form.querySelector(`label[for="${field.id}"]`)?.textContent ?? field.name}: ${field.validationMessage}`);
    field.focus();
    return;
  }
  messages.push({ role: 'user', content: text });
  addMessage('user', text);
  input.value = '';
  const reply = addMessage('assistant', '');
  reply.classList.add('streaming');
  const controller = new AbortController();
  setRunning(controller);
  status.textContent = 'Thinking…';
  const started = performance.now();
  let tokens = 0;
  try {
    const response = await fetch('/api/chat', {
      method: 'POST',
      signal: controller.signal,
      headers: { 'Content-Type': 'application/json', ...antiforgeryHeaders() },
      body: JSON.stringify({
        checkpoint: Number(form.checkpoint.value),
        messages,
        maxTokens: Number(form.maxTokens.value),
        temperature: Number(form.temperature.value),
      }),
    });
    if (!response.ok) {
      const refusal = await response.json().catch(() => ({}));
      throw new Refused(refusal.detail ?? `The server answered ${response.status}.`);
    }
    await readEventStream(response, (event) => {
      if (event.type === 'token') {
        reply.textContent += event.text;
        tokens += 1;
        status.textContent = `${tokens} tokens`;
      } else if (event.type === 'error') {
        reply.parentElement.classList.add('chat-error');
        reply.textContent += (reply.textContent ? '\n' : '') + event.message;
      } else if (event.type === 'done') {
        const seconds = (performance.now() - started) / 1000;
        status.textContent = `${tokens} tokens in ${seconds.toFixed(1)} s${event.stopped ? ' (stopped)' : ''}`;
      }
    });
  } catch (error) {
    if (error.name === 'AbortError') {
      status.textContent = `Stopped after ${tokens} tokens.`;
    } else if (error instanceof Refused) {
      // Not sent: no reply, and the message stays in the box to send again.
      reply.parentElement.remove();
      log.lastElementChild?.remove();
      input.value = text;
      showProblem(`Not sent: ${error.message}`);
      status.textContent = '';
    } else {
      reply.parentElement.classList.add('chat-error');
      reply.textContent = error.message;
      status.textContent = '';
    }
  } finally {
    reply.classList.remove('streaming');
    if (reply.isConnected && reply.textContent && !reply.parentElement.classList.contains('chat-error')) {
      messages.push({ role: 'assistant', content: reply.textContent });
    } else {
      messages.pop(); // a failed turn is not part of the conversation
    }
    setRunning(null);
    input.focus();
  }
}

form.addEventListener('submit', (event) => { event.preventDefault(); ask(); });
// What the tiny tutorial model is (and is not) shows while it is the one chosen.
form.checkpoint.addEventListener('change', () => {
  about.hidden = form.checkpoint.selectedOptions[0]?.dataset.kind !== form.dataset.tinyKind;
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); ask(); }
});
stop.addEventListener('click', () => running?.abort());
clear.addEventListener('click', () => { messages.length = 0; log.replaceChildren(); status.textContent = ''; });
