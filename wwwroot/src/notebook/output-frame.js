// HTML and JavaScript outputs run only here: an iframe sandboxed with allow-scripts and without
// allow-same-origin (an opaque origin: no cookies, no access to this page), loading /output-frame
// whose own CSP forbids every request. The output's HTML travels by postMessage; the frame reports
// its height back, and only messages from that frame's own window are believed.

const frames = new Map(); // contentWindow → {iframe, html}
const MAX_FRAME_HEIGHT = 2000; // px; taller outputs scroll inside the frame

window.addEventListener('message', (event) => {
  const entry = frames.get(event.source);
  if (!entry || typeof event.data !== 'object' || event.data === null) return;
  if (event.data.kind === 'output-frame-ready') {
    event.source.postMessage({ kind: 'output-frame-content', html: entry.html }, '*');
  } else if (event.data.kind === 'output-frame-height') {
    const height = Math.max(20, Math.min(MAX_FRAME_HEIGHT, Number(event.data.height) || 0));
    entry.iframe.style.height = `${height}px`;
    entry.iframe.scrolling = height >= MAX_FRAME_HEIGHT ? 'yes' : 'no';
  }
});

export function createOutputFrame(html) {
  const iframe = document.createElement('iframe');
  iframe.className = 'output-frame';
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.setAttribute('title', 'HTML output');
  iframe.setAttribute('loading', 'lazy');
  iframe.setAttribute('referrerpolicy', 'no-referrer');
  iframe.style.height = '40px';
  iframe.addEventListener('load', () => {
    if (iframe.contentWindow) frames.set(iframe.contentWindow, { iframe, html });
  });
  // The window exists as soon as the element is in the document; register early so 'ready' is not missed.
  queueMicrotask(() => { if (iframe.contentWindow) frames.set(iframe.contentWindow, { iframe, html }); });
  iframe.src = '/output-frame';
  return iframe;
}

export function forgetOutputFrames(container) {
  for (const iframe of container.querySelectorAll('iframe.output-frame')) {
    if (iframe.contentWindow) frames.delete(iframe.contentWindow);
  }
}
