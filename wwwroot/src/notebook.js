// Notebook page entry: starts the editor (src/notebook/*) on the notebook section.
import { NotebookPage } from './notebook/notebook-page.js';

const root = document.querySelector('section.notebook[data-notebook-id]');
if (root) {
  const page = new NotebookPage(root);
  window.notebookPage = page; // for the browser tests and the benchmark
  page.start().catch((error) => {
    const alert = root.querySelector('#notebook-alert');
    alert.hidden = false;
    alert.textContent = `The notebook could not be opened: ${error.message}. Reload the page to try again.`;
  });
}
