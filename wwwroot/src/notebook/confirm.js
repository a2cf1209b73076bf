// Asks before something that destroys work (restart, clear all outputs), as Jupyter does: a modal
// <dialog> naming what is lost, focused on the safe button, so Enter or Escape keeps everything.
// Resolves true only when the student pressed the named action.
export function confirmAction({ title, detail, action, danger = true }) {
  const dialog = document.createElement('dialog');
  dialog.className = 'confirm-dialog';
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  dialog.setAttribute('aria-describedby', 'confirm-detail');
  dialog.innerHTML = `
    <h2 id="confirm-title"></h2>
    <p id="confirm-detail"></p>
    <div class="dialog-buttons">
      <button type="button" class="button secondary" data-choice="cancel">Cancel</button>
      <button type="button" class="button ${danger ? 'danger' : 'primary'}" data-choice="confirm"></button>
    </div>`;
  dialog.querySelector('h2').textContent = title;
  dialog.querySelector('p').textContent = detail;
  dialog.querySelector('[data-choice="confirm"]').textContent = action;
  document.body.append(dialog);
  return new Promise((resolve) => {
    let answer = false;
    dialog.addEventListener('click', (event) => {
      const choice = event.target.closest('[data-choice]')?.dataset.choice;
      if (!choice) return;
      answer = choice === 'confirm';
      dialog.close();
    });
    // Escape fires `cancel` and closes: the answer stays false.
    dialog.addEventListener('close', () => { dialog.remove(); resolve(answer); });
    dialog.showModal();
    dialog.querySelector('[data-choice="cancel"]').focus();
  });
}
