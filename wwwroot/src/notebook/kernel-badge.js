// The kernel status badge: polls GET /api/kernel (state idle|busy|starting|stopped, memory, last exit
// reason) every few seconds, faster while something runs, and shows it in words and colour. Opening
// a notebook starts the kernel (POST /api/kernel/start), so the first Run does not wait for it.
import { api } from './api.js';

const IDLE_POLL_MS = 5000;
const BUSY_POLL_MS = 1500;

function formatBytes(bytes) {
  if (!bytes) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function describeKernel(kernel) {
  const state = kernel?.state ?? 'unknown';
  const words = { idle: 'idle', busy: 'busy', starting: 'starting', stopped: kernel?.lastExitReason ? 'dead' : 'not started' };
  const shown = words[state] ?? state;
  const memory = [formatBytes(kernel?.rssBytes), kernel?.gpuBytes ? `GPU ${formatBytes(kernel.gpuBytes)}` : ''].filter(Boolean).join(', ');
  return { state: shown === 'dead' ? 'dead' : state, text: `Kernel: ${shown}${memory ? ` · ${memory}` : ''}`, reason: kernel?.lastExitReason ?? '' };
}

export class KernelBadge {
  constructor(element, { onStatus } = {}) {
    this.element = element;
    this.onStatus = onStatus; // every answer also goes to the page (what a queued cell waits for)
    this.timer = 0;
    this.busyHint = false;
  }

  start({ prewarm = false } = {}) {
    this.poll();
    if (!prewarm) return;
    // The answer comes once the worker is up (a second or more); the badge says "starting" meanwhile.
    api('POST', '/api/kernel/start').then((kernel) => this.show(kernel), () => {}).finally(() => this.poll());
    setTimeout(() => this.poll(), 300);
  }

  async poll() {
    clearTimeout(this.timer);
    let kernel = null;
    try {
      const response = await fetch('/api/kernel', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      kernel = response.ok ? await response.json() : { state: response.status === 404 ? 'unavailable' : 'unknown' };
    } catch {
      kernel = { state: 'unreachable' };
    }
    this.show(kernel);
    const busy = this.busyHint || kernel.state === 'busy' || kernel.state === 'starting';
    this.timer = setTimeout(() => this.poll(), busy ? BUSY_POLL_MS : IDLE_POLL_MS);
  }

  show(kernel) {
    this.last = kernel; // what a restart would lose is read from here
    this.onStatus?.(kernel);
    const { state, text, reason } = describeKernel(kernel);
    this.element.dataset.state = state;
    this.element.textContent = text;
    this.element.title = reason ? `${text}. Last exit: ${reason}` : text; // whole, where the fixed-width badge cuts it
  }

  setBusy(busy) {
    this.busyHint = busy;
    this.poll();
  }
}
