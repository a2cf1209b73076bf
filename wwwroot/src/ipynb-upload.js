// .ipynb import on a project page: a file input and drag-and-drop onto [data-ipynb-upload].
// Each file is posted as multipart field `file` to the URL in the attribute (POST /api/projects/{id}/ipynb);
// the server answers 201 or a problem whose `detail` names what is wrong, which we show as is.

function antiforgeryToken() {
  return document.querySelector('meta[name="antiforgery-token"]')?.content ?? '';
}

async function uploadOne(url, file) {
  const form = new FormData();
  form.append('file', file, file.name);
  const response = await fetch(url, {
    method: 'POST',
    body: form,
    credentials: 'same-origin',
    headers: { 'X-CSRF-TOKEN': antiforgeryToken() },
  });
  if (response.ok) return null;
  let detail = `the server answered ${response.status}`;
  try {
    detail = (await response.json()).detail ?? detail;
  } catch {
    // not a problem document; keep the status sentence
  }
  return detail;
}

async function uploadAll(zone, files) {
  const status = zone.querySelector('.ipynb-status');
  const notebooks = [...files].filter((file) => file.name.toLowerCase().endsWith('.ipynb'));
  if (notebooks.length === 0) {
    status.textContent = 'Only .ipynb files can be imported.';
    return;
  }
  const failures = [];
  for (const [index, file] of notebooks.entries()) {
    status.textContent = `Importing ${file.name} (${index + 1} of ${notebooks.length})…`;
    const problem = await uploadOne(zone.dataset.ipynbUpload, file);
    if (problem) failures.push(`${file.name}: ${problem}`);
  }
  if (failures.length === 0) {
    window.location.reload();
    return;
  }
  status.textContent = failures.join(' ');
  status.classList.add('form-error');
  if (failures.length < notebooks.length) setTimeout(() => window.location.reload(), 4000);
}

for (const zone of document.querySelectorAll('[data-ipynb-upload]')) {
  const input = zone.querySelector('input[type=file]');
  input?.addEventListener('change', () => {
    if (input.files?.length) uploadAll(zone, input.files);
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (event.dataTransfer?.files?.length) uploadAll(zone, event.dataTransfer.files);
  });
}
