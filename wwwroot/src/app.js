// Shared page behaviour: htmx, antiforgery header on htmx requests, idle sign-out for kiosks.
import htmx from 'htmx.org';
import './ipynb-upload.js';
import { forgetDraftsOfOthers } from './notebook/drafts.js';
import { watchIdleSignout } from './idle-signout.js';

window.htmx = htmx;
// No eval-based features (hx-on, js: values): the CSP forbids inline script anyway.
htmx.config.allowEval = false;
htmx.config.includeIndicatorStyles = false;

function antiforgeryToken() {
  return document.querySelector('meta[name="antiforgery-token"]')?.content ?? '';
}

// Every state-changing htmx request carries the antiforgery token (security.md).
document.addEventListener('htmx:configRequest', (event) => {
  event.detail.headers['X-CSRF-TOKEN'] = antiforgeryToken();
});

// Forms marked data-reset-on-success clear after a successful request; errors (4xx fragments from
// our own templates) go to the element named by data-error-target.
document.addEventListener('htmx:afterRequest', (event) => {
  const form = event.detail.elt.closest?.('form');
  if (!form) return;
  const errors = form.dataset.errorTarget ? document.querySelector(form.dataset.errorTarget) : null;
  if (event.detail.successful) {
    if (form.hasAttribute('data-reset-on-success')) form.reset();
    if (errors) errors.replaceChildren();
    form.closest('details')?.removeAttribute('open');
  }
});
// beforeSwap fires on the swap target, so the form that sent the request is requestConfig.elt.
document.addEventListener('htmx:beforeSwap', (event) => {
  const source = event.detail.requestConfig?.elt ?? event.detail.elt;
  const form = source.closest?.('form');
  const status = event.detail.xhr.status;
  if (form?.dataset.errorTarget && status >= 400 && status < 500) {
    const errors = document.querySelector(form.dataset.errorTarget);
    if (errors) errors.innerHTML = event.detail.xhr.responseText;
    event.detail.shouldSwap = false;
  }
});

// Confirmations without inline script: <button data-confirm="Delete?">
document.addEventListener('click', (event) => {
  const target = event.target.closest('[data-confirm]');
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Kiosk privacy: notebook drafts kept while signed out belong to one user (notebook/drafts.js).
if (document.body?.dataset.userId) forgetDraftsOfOthers(document.body.dataset.userId);

// Kiosk idle sign-out: the server decides; this tab reports input and asks (idle-signout.js).
watchIdleSignout(antiforgeryToken);

export { htmx };
