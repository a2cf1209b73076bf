// The notebook's name in the page head, renamed in place as in Jupyter: click it (or focus it and
// press Enter), type, Enter or leaving the field keeps the new name, Esc keeps the old one. The
// name is saved with the cells (autosave's PUT carries it), so a rename is one more revision.

const MAX_NAME = 120; // characters, as the server's display-name rule (Projects/DisplayNames.cs)

export class NotebookTitle {
  constructor(heading, { name, rename }) {
    this.heading = heading;
    this.name = name;
    this.rename = rename;
    this.button = heading.querySelector('.notebook-name');
    this.button?.addEventListener('click', () => this.edit());
  }

  edit() {
    if (this.field) return;
    const field = document.createElement('input');
    field.className = 'notebook-name-field';
    field.value = this.name();
    field.maxLength = MAX_NAME;
    field.setAttribute('aria-label', 'Notebook name');
    this.field = field;
    this.button.hidden = true;
    this.heading.append(field);
    field.focus();
    field.select();
    let done = false;
    const finish = async (keep) => {
      if (done) return;
      done = true;
      const next = field.value.trim();
      field.remove();
      this.field = null;
      this.button.hidden = false;
      if (keep && next && next !== this.name() && !/[\u0000-\u001f\u007f]/.test(next)) {
        this.show(next);
        await this.rename(next);
      }
      this.button.focus();
    };
    field.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') { event.preventDefault(); finish(true); }
      if (event.key === 'Escape') { event.preventDefault(); event.stopPropagation(); finish(false); }
    });
    field.addEventListener('blur', () => finish(true));
  }

  /** The new name wherever the page shows it: the heading, the breadcrumb and the tab's title. */
  show(name) {
    this.button.textContent = name;
    this.button.setAttribute('aria-label', `Rename the notebook “${name}”`);
    const crumb = document.querySelector('.breadcrumbs [data-notebook-name]');
    if (crumb) crumb.textContent = name;
    document.title = document.title.replace(/^.*?( · NanoChat Appliance)$/, `${name}$1`);
  }
}
