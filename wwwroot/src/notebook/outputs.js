// A code cell's output area, driven by the execute stream's event objects ({type: stdout|stderr|
// display|error|done, ...}) or by stored nbformat outputs. Events are queued and applied once per
// animation frame, and stream text is bounded (StreamText), so a cell printing a million lines
// keeps the tab responsive. toNotebookOutputs() gives what the notebook stores.
import { StreamText } from './stream-text.js';
import { forgetOutputFrames } from './output-frame.js';
import { setTerminalText } from './terminal-text.js';
import { joinText, renderRich } from './rich-output.js';
import { outPrompt, renderError } from './error-output.js';

const MAX_RICH_OUTPUTS = 50;
const FRAME_BUDGET_MS = 10; // work per animation frame before yielding to input

export class OutputArea {
  constructor(element, { onLogRequested, onInput, onUpdateDisplay } = {}) {
    this.element = element;
    this.onLogRequested = onLogRequested;
    this.onInput = onInput;
    this.onUpdateDisplay = onUpdateDisplay; // update_display may target any cell: the page fans it out
    this.items = []; // {kind:'stream', name, text: StreamText, dom} | {kind:'rich'|'error'|'note', output}
    this.question = null; // input() waiting for an answer: {prompt, password, executionId, dom}, always shown last
    this.pending = [];
    this.frame = 0;
    this.executionId = null;
    this.richCount = 0;
    this.richOmitted = 0;
    this.clearOnNextOutput = false;
    this.executionCount = null; // the cell's, for the Out[n]: of a result that carries none
  }

  /** The cell's count changed (run finished, outputs cleared): results show it as `Out[n]:`. */
  setExecutionCount(count) {
    this.executionCount = count ?? null;
    for (const item of this.items) if (item.prompt) item.prompt.textContent = outPrompt(item.output, this.executionCount);
  }

  clear() {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending = [];
    this.#dropInputField();
    this.#clearItems();
    this.executionId = null;
  }

  /** What is shown goes; the execution being followed and its queued events stay (clear_output). */
  #clearItems() {
    forgetOutputFrames(this.element);
    this.element.replaceChildren(...(this.question?.dom ? [this.question.dom] : [])); // a pending question stays
    this.items = [];
    this.richCount = 0;
    this.richOmitted = 0;
    this.clearOnNextOutput = false;
  }

  /** Stored nbformat outputs, shown at once. */
  load(outputs) {
    this.clear();
    for (const output of outputs ?? []) this.#applyNotebookOutput(output);
    this.#render();
  }

  /** One event of the execute stream; applied on the next animation frame. */
  push(event) {
    this.pending.push(event);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush(FRAME_BUDGET_MS));
  }

  /**
   * Applies queued events: all of them (tests, before saving, at the end of a run), or as many as
   * fit in a frame's budget, leaving the rest for the next frame so input is never starved.
   */
  flush(budgetMs = Infinity) {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const started = performance.now();
    let applied = 0;
    while (applied < this.pending.length) {
      this.#applyEvent(this.pending[applied++]);
      if (performance.now() - started > budgetMs) break;
    }
    this.pending = applied === this.pending.length ? [] : this.pending.slice(applied);
    this.#render();
    if (this.pending.length) this.frame = requestAnimationFrame(() => this.flush(FRAME_BUDGET_MS));
  }

  #applyEvent(event) {
    // clear_output(wait=True) clears when the next output arrives, so a live plot never flickers empty.
    if (this.clearOnNextOutput && ['stdout', 'stderr', 'display', 'error'].includes(event.type)) this.#clearItems();
    // An input() field lasts until it is answered (here or in another tab), or the run ends or fails;
    // output from a thread meanwhile must not take it away.
    if (['input_reply', 'error', 'done'].includes(event.type)) this.#dropInputField();
    switch (event.type) {
      case 'input_request': this.question = { prompt: event.prompt ?? '', password: event.password === true, executionId: this.executionId, dom: null }; break;
      case 'execution': this.executionId = event.executionId ?? this.executionId; break;
      case 'clear_output':
        if (event.wait) this.clearOnNextOutput = true;
        else this.#clearItems();
        break;
      case 'stdout': case 'stderr': this.#appendStream(event.type, event.text ?? ''); break;
      case 'display':
        this.#addRich({ output_type: event.outputType ?? 'display_data', data: event.data ?? {}, metadata: event.metadata ?? {} }, event.displayId);
        break;
      case 'update_display': {
        const output = { output_type: 'display_data', data: event.data ?? {}, metadata: event.metadata ?? {} };
        if (this.onUpdateDisplay) this.onUpdateDisplay(event.displayId, output);
        else this.replaceDisplay(event.displayId, output);
        break;
      }
      case 'error':
        this.items.push({ kind: 'error', output: { output_type: 'error', ename: event.ename ?? 'Error', evalue: event.evalue ?? '', traceback: event.traceback ?? [] } });
        break;
      case 'done':
        // The reason a run ended (stopped by the instructor, out of memory) usually came as its error
        // output already: say it once.
        if (event.reason && event.status !== 'ok' && !this.items.some((item) => item.kind === 'error' && item.output.evalue === event.reason)) {
          this.items.push({ kind: 'note', text: event.reason, status: event.status });
        }
        break;
      default: break;
    }
  }

  #dropInputField() {
    this.question?.dom?.remove();
    this.question = null;
  }

  #inputField(item) {
    const form = document.createElement('form');
    form.className = 'output output-input';
    const label = document.createElement('label');
    const prompt = document.createElement('span');
    prompt.textContent = item.prompt;
    const field = document.createElement('input');
    field.type = item.password ? 'password' : 'text'; // getpass(): what is typed stays hidden
    field.autocomplete = 'off';
    field.spellcheck = false;
    field.setAttribute('aria-label', item.prompt.trim() || 'Input for the running cell');
    label.append(prompt, field);
    const problem = document.createElement('span');
    problem.className = 'output-input-problem';
    problem.setAttribute('role', 'alert');
    form.append(label, problem);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      field.readOnly = true;
      try {
        await this.onInput?.(item.executionId, field.value);
      } catch (error) {
        field.readOnly = false;
        problem.textContent = error.message;
      }
    });
    requestAnimationFrame(() => { if (form.isConnected) field.focus(); });
    return form;
  }

  #applyNotebookOutput(output) {
    switch (output?.output_type) {
      case 'stream': this.#appendStream(output.name === 'stderr' ? 'stderr' : 'stdout', joinText(output.text)); break;
      case 'display_data': case 'execute_result': this.#addRich(output); break;
      case 'error': this.items.push({ kind: 'error', output }); break;
      default: break;
    }
  }

  #appendStream(name, text) {
    const last = this.items[this.items.length - 1];
    if (last?.kind === 'stream' && last.name === name) {
      last.text.append(text);
      last.dirty = true;
      return;
    }
    const stream = new StreamText();
    stream.append(text);
    this.items.push({ kind: 'stream', name, text: stream, dirty: true });
  }

  #addRich(output, displayId) {
    if (this.richCount >= MAX_RICH_OUTPUTS) { this.richOmitted++; return; }
    this.richCount++;
    this.items.push({ kind: 'rich', output, displayId });
  }

  /** update_display: every output shown with that display id gets the new content, in place. */
  replaceDisplay(displayId, output) {
    if (!displayId) return false;
    let replaced = false;
    for (const item of this.items) {
      if (item.kind !== 'rich' || item.displayId !== displayId) continue;
      item.output = { ...output, output_type: item.output.output_type };
      // A widget keeps its controls (and a slider its drag) and replaces only its outputs.
      if (item.dom && !item.dom.updateInPlace?.(item.output)) {
        forgetOutputFrames(item.dom);
        const fresh = this.#createElement(item);
        item.dom.replaceWith(fresh);
        item.dom = fresh;
      }
      replaced = true;
    }
    return replaced;
  }

  /** Brings the DOM in line with this.items: new items get elements, changed streams re-render. */
  #render() {
    for (const item of this.items) {
      if (!item.dom) {
        item.dom = this.#createElement(item);
        this.element.insertBefore(item.dom, this.question?.dom ?? null); // output a thread prints goes above the question
      }
      if (item.kind === 'stream' && item.dirty) { this.#renderStream(item); item.dirty = false; }
    }
    if (this.question && !this.question.dom) this.element.append(this.question.dom = this.#inputField(this.question));
    this.element.hidden = this.items.length === 0 && !this.question;
  }

  #createElement(item) {
    if (item.kind === 'stream') {
      const pre = document.createElement('pre');
      pre.className = `output output-stream output-${item.name}`;
      pre.head = pre.appendChild(document.createElement('span'));
      pre.marker = pre.appendChild(document.createElement('span'));
      pre.marker.className = 'output-omitted';
      pre.marker.hidden = true;
      pre.tail = pre.appendChild(document.createElement('span'));
      return pre;
    }
    if (item.kind === 'error') return renderError(item.output);
    if (item.kind === 'note') {
      const note = document.createElement('p');
      note.className = `output output-note output-note-${item.status}`;
      note.textContent = item.text;
      return note;
    }
    const rich = renderRich(item.output, renderNestedOutputs);
    if (item.output.output_type !== 'execute_result') return rich;
    // Jupyter's Out[n]: beside a result (the value of the cell's last expression), in the prompt column.
    item.prompt = document.createElement('span');
    item.prompt.className = 'output-prompt';
    item.prompt.setAttribute('aria-hidden', 'true');
    item.prompt.textContent = outPrompt(item.output, this.executionCount);
    rich.classList.add('output-execute-result');
    rich.prepend(item.prompt);
    return rich;
  }

  #renderStream(item) {
    const pre = item.dom;
    // Follow the newest line unless the reader scrolled up to read something.
    const following = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
    const hidden = item.text.hiddenLines;
    setTerminalText(pre.head, item.text.headText());
    if (hidden > 0) {
      pre.marker.hidden = false;
      pre.marker.replaceChildren(`… ${hidden.toLocaleString('en')} lines not shown here `);
      if (this.executionId && this.onLogRequested) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'link-button';
        button.textContent = 'Download the full log';
        button.addEventListener('click', () => this.onLogRequested(this.executionId));
        pre.marker.append('(', button, ')');
      }
      pre.marker.append(' …\n');
    } else {
      pre.marker.hidden = true;
    }
    setTerminalText(pre.tail, item.text.tailText());
    if (following) pre.scrollTop = pre.scrollHeight;
  }

  /** nbformat v4 outputs for saving: stream text bounded (head, marker, tail). */
  toNotebookOutputs() {
    if (this.pending.length) this.flush();
    const outputs = [];
    for (const item of this.items) {
      if (item.kind === 'stream') outputs.push({ output_type: 'stream', name: item.name, text: item.text.toString() });
      else if (item.kind === 'note') outputs.push({ output_type: 'stream', name: 'stderr', text: item.text + '\n' });
      else if (item.output.output_type === 'execute_result' && item.output.execution_count == null && this.executionCount != null) {
        outputs.push({ ...item.output, execution_count: this.executionCount }); // nbformat wants it on a result
      } else outputs.push(item.output);
    }
    return outputs;
  }
}

/** A widget's outputs: an output area of their own inside it. */
function renderNestedOutputs(element, outputs) {
  forgetOutputFrames(element);
  new OutputArea(element).load(outputs);
}
