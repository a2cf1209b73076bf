// Kiosk idle sign-out. The server decides when a browser's session is idle: input in any of its tabs,
// a running cell or an open output stream keeps it (docs/security.md). So this tab never signs out
// itself (that would end every tab and device of the user): it reports its input with a light POST at
// most every ~30 s, and after the idle limit without input of its own it asks the server, which may
// answer that another tab or a running cell kept the session, with the seconds left to wait.
export function watchIdleSignout(antiforgeryToken) {
  const idleSeconds = Number(document.body?.dataset.idleSignoutSeconds ?? 0);
  if (!(idleSeconds > 0) || document.body.dataset.signedIn !== 'true') return;

  const reportEveryMs = Math.min(30, idleSeconds / 3) * 1000;
  let lastReport = Date.now(); // loading this page was activity already
  let timer;

  const schedule = (seconds) => {
    clearTimeout(timer);
    timer = setTimeout(ask, seconds * 1000);
  };

  async function ask() {
    try {
      const response = await fetch('/api/session', { headers: { Accept: 'application/json' } });
      if (response.status === 401) {
        window.location.href = '/login?idle=1';
        return;
      }
      const { idleSecondsLeft } = await response.json();
      // A little past the deadline, so the server's answer is "idle" and not "a moment left".
      schedule(Math.max(1, idleSecondsLeft ?? idleSeconds) + 0.5);
    } catch {
      schedule(idleSeconds);
    }
  }

  const input = () => {
    if (Date.now() - lastReport >= reportEveryMs) {
      lastReport = Date.now();
      fetch('/api/session/activity', { method: 'POST', headers: { 'X-CSRF-TOKEN': antiforgeryToken() } }).catch(() => {});
    }
    schedule(idleSeconds);
  };
  for (const name of ['mousemove', 'keydown', 'pointerdown', 'scroll', 'touchstart']) {
    window.addEventListener(name, input, { passive: true });
  }
  schedule(idleSeconds);
}
