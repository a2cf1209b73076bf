// Jupyter's keyboard model. Edit mode is CodeMirror's (Shift/Ctrl/Alt+Enter, Esc, Ctrl+Shift+-
// come through the editor's own keymap, see editor.js). Command mode (Esc, or clicking a cell's
// margin) is handled here: Enter edit, Shift+Enter/Ctrl+Enter/Alt+Enter run, A/B insert, D D delete,
// C/X/V/Shift+V copy, cut and paste cells, Shift+M merge, M/Y/R change type, Up/K and Down/J select,
// Shift+Up/Down move, Z undo delete, I I interrupt, 0 0 restart, ? help. Ctrl+S (Cmd+S) saves now
// in either mode, never the browser's Save page. A pointer click on a button (toolbar, an output's
// widget) hands the keyboard back to the notebook, so command keys work again at once.

export const SHORTCUTS = [
  ['Command mode (press Esc to enter)', [
    ['Enter', 'Edit the selected cell'],
    ['Shift+Enter', 'Run the cell and select the next one'],
    ['Ctrl+Enter', 'Run the cell'],
    ['Alt+Enter', 'Run the cell and insert a new one below'],
    ['Ctrl+S', 'Save now (Cmd+S on a Mac)'],
    ['A', 'Insert a code cell above'],
    ['B', 'Insert a code cell below'],
    ['D, D', 'Delete the cell'],
    ['Z', 'Undo the last cell deletion (or cut) or outputs clear'],
    ['C', 'Copy the cell'],
    ['X', 'Cut the cell'],
    ['V / Shift+V', 'Paste the copied cell below / above'],
    ['Shift+M', 'Merge the cell with the one below'],
    ['M', 'Change the cell to markdown'],
    ['Y', 'Change the cell to code'],
    ['R', 'Change the cell to raw'],
    ['↑ / K, ↓ / J', 'Select the cell above / below'],
    ['Shift+↑ / Shift+↓', 'Move the cell up / down'],
    ['I, I', 'Interrupt the kernel'],
    ['0, 0', 'Restart the kernel'],
    ['?', 'Show this help'],
  ]],
  ['Edit mode (typing in a cell)', [
    ['Esc', 'Back to command mode'],
    ['Shift+Enter', 'Run the cell (markdown: render it) and select the next one'],
    ['Ctrl+Enter', 'Run the cell in place'],
    ['Alt+Enter', 'Run the cell and insert a new one below'],
    ['Ctrl+S', 'Save now (Cmd+S on a Mac)'],
    ['Ctrl+Shift+-', 'Split the cell at the cursor'],
    ['Enter', 'New line, indented as the block needs (4 spaces, or the cell\'s own step)'],
    ['Tab', 'Complete a name or attribute (after a letter or a dot); indent elsewhere'],
    ['Ctrl+Space', 'Complete'],
    ['Shift+Tab', 'Help on the name or call at the cursor (signature, docstring); unindent at the start of a line or a selection'],
    ['Ctrl+Z / Ctrl+Shift+Z', 'Undo / redo'],
  ]],
];

const DOUBLE_PRESS_MS = 800;

export function installCommandKeys(page) {
  let last = { key: '', at: 0 };
  // Capture phase, before CodeMirror or the browser: Ctrl+S is the notebook's in every mode.
  window.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 's') {
      event.preventDefault();
      page.command('save');
    }
  }, { capture: true });
  returnKeysAfterClicks(page);
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || page.mode !== 'command' || !page.selected) return;
    const target = event.target;
    if (target.closest?.('dialog, input, select, textarea, .cm-editor, button, a, iframe, [contenteditable]')) return;
    const key = event.key;
    const twice = (k) => {
      const hit = last.key === k && Date.now() - last.at < DOUBLE_PRESS_MS;
      last = hit ? { key: '', at: 0 } : { key: k, at: Date.now() };
      return hit;
    };
    const act = (action) => { event.preventDefault(); page.command(action); };
    if (event.ctrlKey || event.metaKey) {
      if (key === 'Enter') act('run');
      return;
    }
    if (event.altKey) { if (key === 'Enter') act('run-insert'); return; }
    if (event.shiftKey && key === 'Enter') return act('run-advance');
    if (event.shiftKey && key === 'ArrowUp') return act('move-up');
    if (event.shiftKey && key === 'ArrowDown') return act('move-down');
    if (event.shiftKey && (key === 'M' || key === 'm')) return act('merge-below');
    if (event.shiftKey && (key === 'V' || key === 'v')) return act('paste-above');
    switch (key) {
      case 'Enter': return act('edit');
      case 'a': case 'A': return act('insert-above');
      case 'b': case 'B': return act('insert-below');
      case 'm': case 'M': return act('to-markdown');
      case 'y': case 'Y': return act('to-code');
      case 'r': case 'R': return act('to-raw');
      case 'z': case 'Z': return act('undo-delete');
      case 'c': case 'C': return act('copy');
      case 'x': case 'X': return act('cut');
      case 'v': case 'V': return act('paste-below');
      case 'ArrowUp': case 'k': case 'K': return act('select-up');
      case 'ArrowDown': case 'j': case 'J': return act('select-down');
      case '?': return act('help');
      case 'd': case 'D': event.preventDefault(); if (twice('d')) page.command('delete'); return;
      case 'i': case 'I': event.preventDefault(); if (twice('i')) page.command('interrupt'); return;
      case '0': event.preventDefault(); if (twice('0')) page.command('restart'); return;
      default: return;
    }
  });
}

// A button clicked with the pointer keeps the focus (so Enter or Space could press it again), and
// with it every command key would go to the button. Jupyter's buttons never hold the keyboard:
// after the click, the selected cell takes the focus back (keyboard users keep theirs: detail is 0).
function returnKeysAfterClicks(page) {
  page.root.addEventListener('click', (event) => {
    const button = event.target.closest?.('button');
    if (!button || event.detail === 0 || button.closest('dialog, .notebook-head')) return;
    const inOutput = button.closest('.outputs');
    if (!inOutput && !button.closest('.notebook-toolbar')) return;
    setTimeout(() => {
      if (document.activeElement !== button) return; // the click moved the focus somewhere on purpose
      const cell = inOutput ? page.cells.find((c) => c.element.contains(button)) : page.selected;
      if (cell && (inOutput || page.mode === 'command')) page.select(cell, { mode: 'command', scroll: false });
      else if (page.mode === 'edit') page.selected?.editor.focus();
    }, 0);
  });
}

export function renderHelp(container) {
  container.replaceChildren();
  for (const [title, rows] of SHORTCUTS) {
    const heading = document.createElement('h3');
    heading.textContent = title;
    const table = document.createElement('table');
    table.className = 'shortcut-table';
    for (const [keys, what] of rows) {
      const tr = table.insertRow();
      const k = tr.insertCell();
      for (const [i, part] of keys.split(/(, | \/ )/).entries()) {
        if (i % 2 === 1) { k.append(part); continue; }
        const kbd = document.createElement('kbd');
        kbd.textContent = part;
        k.append(kbd);
      }
      tr.insertCell().textContent = what;
    }
    container.append(heading, table);
  }
}
