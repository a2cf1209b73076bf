// interact's controls (Worker/Python/kernel_widgets.py): sliders, dropdowns, radio buttons,
// checkboxes and text boxes above the function's outputs; the same controls shown on their own,
// buttons, Output widgets (no controls, only outputs) and boxes of widgets in a column or a row
// (kernel_widget_extras.py); progress bars and labels, which only the kernel sets
// (kernel_progress.py). A change goes to POST /api/widgets/{id}
// (debounced while a slider moves; one call at a time, the latest values win); the kernel answers
// with an update_display of this output, which the page applies in place: the controls stay (a
// slider keeps its drag) and only the outputs under them are replaced. Built with DOM APIs only:
// labels and options are text, never HTML.
import { changeWidget } from './runner.js';

export const WIDGET_MIME = 'application/vnd.nanochat.widget+json';
const DEBOUNCE_MS = 120;
let radioGroups = 0; // each group of radio buttons on the page needs its own name

let host = { notebookId: null, updateDisplay: null };

/** The page that shows widgets: which notebook they run in, and how an update_display is applied. */
export function setWidgetHost(value) { host = value; }

/**
 * The widget's element; renderOutputs(element, outputs) shows nbformat outputs in element.
 * element.updateInPlace(spec) takes a newer state of the same widget and says whether it could.
 */
export function renderWidget(spec, renderOutputs) {
  if (Array.isArray(spec.children)) return renderBox(spec, renderOutputs);
  const root = document.createElement('div');
  root.className = 'widget';
  const form = document.createElement('form');
  form.className = 'widget-controls';
  const problem = document.createElement('p');
  problem.className = 'widget-problem';
  problem.setAttribute('role', 'alert');
  const outputs = document.createElement('div');
  outputs.className = 'widget-outputs';

  const values = {};
  const controls = new Map(); // name -> { input, show(value) }
  let timer = 0;
  let running = false;
  let again = false;

  const send = async () => {
    if (running) { again = true; return; }
    running = true;
    again = false;
    root.setAttribute('aria-busy', 'true');
    problem.textContent = '';
    try {
      const done = await changeWidget(spec.id, { notebookId: host.notebookId, values: { ...values } }, (event) => {
        if (event.type === 'update_display') host.updateDisplay?.(event.displayId, { output_type: 'display_data', data: event.data ?? {}, metadata: event.metadata ?? {} });
        else if (event.type === 'error') problem.textContent = `${event.ename}: ${event.evalue}`;
      });
      if (done.status !== 'ok' && done.reason) problem.textContent = done.reason;
    } catch {
      problem.textContent = 'Could not reach the appliance; move the control again.';
    } finally {
      running = false;
      root.removeAttribute('aria-busy');
    }
    if (again) send();
  };
  const changed = (name, value, { wait = true } = {}) => {
    values[name] = value;
    if (spec.manual) return;
    clearTimeout(timer);
    timer = setTimeout(send, wait ? DEBOUNCE_MS : 0);
  };

  for (const control of spec.controls ?? []) {
    values[control.name] = control.value;
    const built = buildControl(control, changed);
    controls.set(control.name, built);
    form.append(built.element);
  }
  if (spec.manual) {
    const run = document.createElement('button');
    run.type = 'submit';
    run.className = 'button secondary';
    run.textContent = 'Run interact';
    form.append(run);
  }
  form.addEventListener('submit', (event) => { event.preventDefault(); clearTimeout(timer); send(); });
  renderOutputs(outputs, spec.outputs ?? []);
  root.append(form, problem, outputs);

  root.updateInPlace = (next) => {
    if (!next || next.id !== spec.id) return false;
    // Controls that came or went (a tqdm bar closed with leave=False has none left): build anew.
    const names = (next.controls ?? []).map((control) => control.name);
    if (names.length !== controls.size || names.some((name) => !controls.has(name))) return false;
    for (const control of next.controls ?? []) {
      const shown = controls.get(control.name);
      // The one being moved or typed in keeps what the student is doing.
      if (shown && !shown.input.contains(document.activeElement)) { shown.show(control.value, control); values[control.name] = control.value; }
    }
    renderOutputs(outputs, next.outputs ?? []);
    return true;
  };
  return root;
}

/**
 * VBox/HBox: the children in a column or a row, each a widget of its own (its changes go under its
 * own id). The kernel answers a child's change with the whole box; each child takes its part in
 * place, and a box whose children came, went or changed kind is built anew.
 */
function renderBox(spec, renderOutputs) {
  const root = document.createElement('div');
  root.className = `widget widget-box widget-box-${spec.box === 'row' ? 'row' : 'column'}`;
  const children = spec.children.map((child) => renderWidget(child, renderOutputs));
  root.append(...children);
  root.updateInPlace = (next) => {
    if (!next || next.id !== spec.id || !Array.isArray(next.children) || next.children.length !== children.length) return false;
    return next.children.every((child, index) => children[index].updateInPlace(child));
  };
  return root;
}

function buildControl(control, changed) {
  if (control.kind === 'button') {
    // The value is a count of presses: presses made while the last one still runs go as one.
    const row = document.createElement('div');
    row.className = 'widget-control widget-button';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'button secondary';
    button.textContent = control.description || 'Button';
    if (control.tooltip) button.title = control.tooltip;
    let presses = Number(control.value) || 0;
    button.addEventListener('click', () => { presses += 1; changed(control.name, presses, { wait: false }); });
    const show = (value) => { presses = Math.max(presses, Number(value) || 0); };
    row.append(button);
    return { element: row, input: button, show };
  }
  const label = document.createElement('label');
  label.className = `widget-control widget-${control.kind}`;
  const caption = document.createElement('span');
  caption.className = 'widget-label';
  caption.textContent = control.description ?? control.name;
  label.append(caption);
  // A control shown on its own with no description: no empty label column in front of it.
  if (control.description === '' && control.kind !== 'checkbox') { label.classList.add('widget-bare'); caption.hidden = true; }
  const name = control.name;

  if (control.kind === 'progress') {
    // Set from code only (IntProgress, FloatProgress, tqdm's notebook bars): a native progress bar,
    // its colour from ipywidgets' bar_style, tqdm's count and rate (or the percentage) beside it.
    const bar = document.createElement('progress');
    const readout = document.createElement('output');
    const show = (value, latest = control) => {
      const span = Number(latest.max) - Number(latest.min);
      bar.max = span > 0 ? span : 1;
      bar.value = span > 0 ? Number(value) - Number(latest.min) : 1;
      bar.dataset.style = latest.barStyle ?? '';
      readout.textContent = latest.text ?? `${Math.round((100 * bar.value) / bar.max)}%`;
      if (latest.description !== undefined) caption.textContent = latest.description;
    };
    show(control.value);
    label.append(bar, readout);
    return { element: label, input: bar, show };
  }
  if (control.kind === 'static') {
    const text = document.createElement('span');
    text.className = 'widget-static-text';
    const show = (value) => { text.textContent = String(value ?? ''); };
    show(control.value);
    label.append(text);
    return { element: label, input: text, show };
  }
  if (control.kind === 'slider') {
    const input = document.createElement('input');
    input.type = 'range';
    Object.assign(input, { min: String(control.min), max: String(control.max), step: String(control.step) });
    const readout = document.createElement('output');
    const decimals = control.integer ? 0 : Math.min(6, (String(control.step).split('.')[1] ?? '').length || 2);
    const show = (value) => { input.value = String(value); readout.textContent = Number(value).toFixed(decimals); };
    show(control.value);
    input.addEventListener('input', () => { readout.textContent = Number(input.value).toFixed(decimals); changed(name, Number(input.value)); });
    label.append(input, readout);
    return { element: label, input, show };
  }
  if (control.kind === 'checkbox') {
    // As ipywidgets: the box in the controls' column, its description beside it.
    const input = document.createElement('input');
    input.type = 'checkbox';
    const box = document.createElement('span');
    box.className = 'widget-checkbox-box';
    box.append(input, caption.textContent);
    caption.textContent = '';
    const show = (value) => { input.checked = value === true; };
    show(control.value);
    input.addEventListener('change', () => changed(name, input.checked, { wait: false }));
    label.append(box);
    return { element: label, input, show };
  }
  if (control.kind === 'radio') {
    // A fieldset of native radio inputs sharing a name: arrow keys move the choice, as in a form.
    const group = document.createElement('fieldset');
    group.className = label.className;
    const legend = document.createElement('legend');
    legend.className = 'widget-label';
    legend.textContent = caption.textContent;
    const choices = document.createElement('span');
    choices.className = 'widget-radio-choices';
    const groupName = `widget-radio-${++radioGroups}`;
    const radios = (control.options ?? []).map((text, index) => {
      const choice = document.createElement('label');
      const radio = document.createElement('input');
      Object.assign(radio, { type: 'radio', name: groupName, value: String(index) });
      radio.addEventListener('change', () => { if (radio.checked) changed(name, index, { wait: false }); });
      choice.append(radio, text);
      choices.append(choice);
      return radio;
    });
    const show = (value) => radios.forEach((radio) => { radio.checked = radio.value === String(value); });
    show(control.value);
    group.append(legend, choices);
    return { element: group, input: group, show };
  }
  if (control.kind === 'dropdown') {
    const input = document.createElement('select');
    (control.options ?? []).forEach((text, index) => input.append(new Option(text, String(index))));
    const show = (value) => { input.value = String(value); };
    show(control.value);
    input.addEventListener('change', () => changed(name, Number(input.value), { wait: false }));
    label.append(input);
    return { element: label, input, show };
  }
  if (control.kind === 'number') {
    // IntText, FloatText and their Bounded kinds: sent when the box holds a number in range.
    const input = document.createElement('input');
    input.type = 'number';
    input.step = control.step == null ? (control.integer ? '1' : 'any') : String(control.step);
    if (control.min != null) input.min = String(control.min);
    if (control.max != null) input.max = String(control.max);
    const show = (value) => { input.value = String(value); };
    show(control.value);
    input.addEventListener('input', () => { if (input.value !== '' && input.checkValidity()) changed(name, Number(input.value)); });
    label.append(input);
    return { element: label, input, show };
  }
  // Text, and Textarea (multiline) for longer prompts.
  const input = document.createElement(control.multiline ? 'textarea' : 'input');
  if (control.multiline) input.rows = control.rows ?? 3;
  else input.type = 'text';
  input.spellcheck = false;
  const show = (value) => { input.value = String(value ?? ''); };
  show(control.value);
  input.addEventListener('input', () => changed(name, input.value));
  label.append(input);
  return { element: label, input, show };
}
