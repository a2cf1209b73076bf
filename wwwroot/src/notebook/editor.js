// CodeMirror 6 for cell sources: Python highlighting for code cells, plain text for markdown/raw,
// line numbers, bracket matching, auto-indent, history. Notebook keys (Shift/Ctrl/Alt+Enter, Esc,
// Ctrl+Shift+- to split) are handed to the page through the callbacks so CodeMirror never swallows
// them. Indentation is 4 spaces (PEP 8, Jupyter's default) unless the cell's own code uses another
// step (indentation.js); Enter follows Python's blocks. Tab after a name or a dot asks the kernel for
// completions (Jupyter's habit); elsewhere Tab indents. Shift+Tab after code on the line asks the
// kernel for help on the name or call at the cursor; at a line's start it unindents.
import { EditorView, Decoration, keymap, lineNumbers, highlightActiveLine, drawSelection, highlightSpecialChars, showTooltip } from '@codemirror/view';
import { EditorState, EditorSelection, Prec, Compartment, StateField, StateEffect } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentMore, indentLess } from '@codemirror/commands';
import { bracketMatching, indentOnInput, indentUnit, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, startCompletion, completionStatus } from '@codemirror/autocomplete';
import { python } from '@codemirror/lang-python';
import { DEFAULT_INDENT, detectIndentUnit, spacesToNextStop } from './indentation.js';

// Cells longer than this keep the unit they had (the scan runs on every change).
const INDENT_SCAN_LIMIT = 100_000; // characters

const theme = EditorView.theme({
  '&': { fontSize: '14px', backgroundColor: '#f8f9fb', borderRadius: '6px' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: '#f1f3f6', color: '#6b7280', borderRight: '1px solid #e3e6ec', borderRadius: '6px 0 0 6px' },
  '&.cm-focused': { outline: '2px solid #2457d6' },
  '.cm-tooltip.cm-help': { maxWidth: 'min(88ch, 90vw)', maxHeight: '18em', overflow: 'auto', padding: '6px 10px', backgroundColor: '#fff', border: '1px solid #c9ced8', borderRadius: '6px', boxShadow: '0 4px 12px rgb(0 0 0 / 12%)' },
  '.cm-completionInfo': { maxWidth: 'min(72ch, 60vw)', maxHeight: '18em', overflow: 'auto' },
  '.cm-help-info': { margin: 0, whiteSpace: 'pre-wrap', fontFamily: 'var(--mono)', fontSize: '12px', lineHeight: 1.4 },
  '.cm-help pre': { margin: 0, whiteSpace: 'pre-wrap', fontFamily: 'var(--mono)', fontSize: '13px', lineHeight: 1.4 },
  '.cm-failing-line, &.cm-focused .cm-failing-line.cm-activeLine': { backgroundColor: '#fde2df', boxShadow: 'inset 3px 0 0 #b3261e' },
});

// Shift+Tab help (Jupyter's inspector, POST /api/inspect): the kernel's text in a tooltip under
// the cursor. Any edit, cursor move, Esc or leaving the cell closes it.
const setHelp = StateEffect.define();
const helpField = StateField.define({
  create: () => null,
  update(help, transaction) {
    for (const effect of transaction.effects) if (effect.is(setHelp)) return effect.value;
    return transaction.docChanged || transaction.selection ? null : help;
  },
  provide: (field) => showTooltip.from(field),
});

function helpTooltip(pos, text) {
  return {
    pos,
    above: false,
    create: () => {
      const dom = document.createElement('div');
      dom.className = 'cm-help';
      dom.setAttribute('role', 'tooltip');
      const pre = document.createElement('pre');
      pre.textContent = text;
      dom.append(pre);
      return { dom };
    },
  };
}

function helpText(answer) {
  if (!answer) return 'No help: the server did not answer.';
  if (answer.kernel === 'busy') return 'No help right now: a running cell holds the kernel (an import or a long native call). Try again when it finishes.';
  if (answer.kernel !== 'ok') return 'No help yet: the kernel is not running. Run a cell first.';
  return answer.found ? answer.text : 'No help for what is under the cursor: is it defined? Run the cell that defines it.';
}

// The line a traceback says failed (in this cell's own run) stays marked until the source changes,
// as Colab marks it; the traceback below marks the same line.
const setFailingLine = StateEffect.define();
const failingLine = Decoration.line({ class: 'cm-failing-line', attributes: { title: 'This line raised the error below' } });
const failingLineField = StateField.define({
  create: () => Decoration.none,
  update(marks, transaction) {
    if (transaction.docChanged) return Decoration.none;
    for (const effect of transaction.effects) {
      if (!effect.is(setFailingLine)) continue;
      const number = effect.value;
      if (number == null || number < 1 || number > transaction.state.doc.lines) return Decoration.none;
      return Decoration.set([failingLine.range(transaction.state.doc.line(number).from)]);
    }
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// Shift+Tab with code before the cursor on its line asks for help; at the start of a line
// (only spaces before the cursor) it falls through to unindent.
function shiftTabHelps(view, onInspect) {
  const { state } = view;
  const range = state.selection.main;
  if (!range.empty || state.sliceDoc(state.doc.lineAt(range.head).from, range.head).trim() === '') return false;
  const asked = { doc: state.doc, head: range.head };
  onInspect(state.doc.toString(), range.head).then((answer) => {
    // The student may have typed, moved on or deleted the cell while the kernel answered.
    if (!view.dom.isConnected || view.state.doc !== asked.doc || view.state.selection.main.head !== asked.head) return;
    view.dispatch({ effects: setHelp.of(helpTooltip(asked.head, helpText(answer))) });
  });
  return true;
}

// Completions come from the student's running kernel (POST /api/complete), so they know the
// notebook's own variables; never fetched while typing, only on Tab or Ctrl+Space. The selected
// candidate's signature and docstring show beside the list (POST /api/inspect, asked only for the
// candidate the student lands on).
function kernelCompletions(currentType, onComplete, onInspect) {
  return async (context) => {
    if (currentType() !== 'code' || !onComplete) return null;
    const word = context.matchBefore(/[\w.]*/);
    if (!context.explicit && (!word || word.from === word.to)) return null;
    const code = context.state.doc.toString();
    const answer = await onComplete(code, context.pos);
    if (!answer || answer.matches.length === 0 || context.aborted) return null;
    const info = (name) => async () => {
      const help = await onInspect?.(code.slice(0, answer.cursorStart) + name + code.slice(answer.cursorEnd), answer.cursorStart + name.length);
      if (!help?.found) return null;
      const pre = document.createElement('pre');
      pre.className = 'cm-help-info';
      pre.textContent = help.text;
      return pre;
    };
    return {
      from: answer.cursorStart,
      to: answer.cursorEnd,
      // The name only, never "name(" (an older kernel added it after callables): the student types the "(".
      options: answer.matches.map((match, i) => {
        const label = match.replace(/\($/, '');
        const type = answer.kinds?.[i] ?? (match.endsWith('(') ? 'function' : 'variable');
        return { label, type, info: info(label) };
      }),
    };
  };
}

// Tab completes right after a name or a dot in a code cell (nothing selected); otherwise it falls
// through to indent.
function tabCompletes(view) {
  const { state } = view;
  const range = state.selection.main;
  if (!range.empty || completionStatus(state) === 'active') return false;
  const before = state.sliceDoc(Math.max(0, range.head - 1), range.head);
  return /[\w.]/.test(before) ? startCompletion(view) : false;
}

// Tab that does not complete: a selection over lines indents them; in a line's leading spaces the
// line goes to the next indent stop; elsewhere spaces up to the next stop are inserted (Jupyter's
// Tab, never a tab character).
function tabIndents(view) {
  const { state } = view;
  const range = state.selection.main;
  if (!range.empty) return indentMore(view);
  const line = state.doc.lineAt(range.head);
  const column = range.head - line.from;
  if (/^\s*$/.test(line.text.slice(0, column))) return indentMore(view);
  const unit = state.facet(indentUnit).length;
  view.dispatch(state.update(state.replaceSelection(' '.repeat(spacesToNextStop(column, unit))), { scrollIntoView: true, userEvent: 'input' }));
  return true;
}

function indentUnitFor(type, source) {
  return ' '.repeat(type === 'code' && source.length <= INDENT_SCAN_LIMIT ? detectIndentUnit(source) : DEFAULT_INDENT);
}

export function createEditor(parent, { source, type, label, onChange, onKey, onFocus, onComplete, onInspect }) {
  const language = new Compartment();
  const indentation = new Compartment();
  let currentType = type;
  let currentUnit = indentUnitFor(type, source);
  const notebookKeys = Prec.highest(keymap.of([
    { key: 'Shift-Enter', run: () => onKey('run-advance') },
    { key: 'Mod-Enter', run: () => onKey('run') },
    { key: 'Alt-Enter', run: () => onKey('run-insert') },
    { key: 'Ctrl-Shift--', run: () => onKey('split') },
    // Esc closes an open completion list (false hands the key on to it) or help first.
    {
      key: 'Escape',
      run: (view) => {
        if (completionStatus(view.state) === 'active') return false;
        if (view.state.field(helpField)) { view.dispatch({ effects: setHelp.of(null) }); return true; }
        return onKey('command-mode');
      },
    },
  ]));
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: source,
      extensions: [
        notebookKeys,
        lineNumbers(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        helpField,
        failingLineField,
        EditorView.focusChangeEffect.of((state, focusing) => (!focusing && state.field(helpField) ? setHelp.of(null) : null)),
        autocompletion({ override: [kernelCompletions(() => currentType, onComplete, onInspect)], activateOnTyping: false, icons: false }),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        language.of(type === 'code' ? python() : []),
        indentation.of(indentUnit.of(currentUnit)),
        EditorState.tabSize.of(4),
        keymap.of([
          ...closeBracketsKeymap,
          { key: 'Tab', run: (view) => (currentType === 'code' && tabCompletes(view)) || tabIndents(view) },
          { key: 'Shift-Tab', run: (view) => (currentType === 'code' && !!onInspect && shiftTabHelps(view, onInspect)) || indentLess(view) },
          ...defaultKeymap, ...historyKeymap,
        ]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            const text = update.state.doc.toString();
            followIndentation(update.view, text);
            onChange(text);
          }
          if (update.focusChanged && update.view.hasFocus) onFocus();
        }),
        theme,
      ],
    }),
  });
  // The cell's own indentation decides the unit; reconfigured only when it changes.
  function followIndentation(target, text) {
    const next = indentUnitFor(currentType, text);
    if (next === currentUnit) return;
    currentUnit = next;
    // Not inside this update (CodeMirror refuses nested dispatches): right after it.
    queueMicrotask(() => { if (target.dom.isConnected) target.dispatch({ effects: indentation.reconfigure(indentUnit.of(next)) }); });
  }
  return {
    view,
    get source() { return view.state.doc.toString(); },
    /** The cursor's offset in the source (where Ctrl+Shift+- splits the cell). */
    get cursor() { return view.state.selection.main.head; },
    get indentUnit() { return currentUnit.length; },
    setType(newType) {
      currentType = newType;
      currentUnit = indentUnitFor(newType, view.state.doc.toString());
      view.dispatch({ effects: [language.reconfigure(newType === 'code' ? python() : []), indentation.reconfigure(indentUnit.of(currentUnit))] });
    },
    /** Marks line `number` (from 1) as the one that failed; null clears the mark. */
    markFailingLine(number) { view.dispatch({ effects: setFailingLine.of(number ?? null) }); },
    get failingLine() {
      const marks = view.state.field(failingLineField);
      let line = null;
      marks.between(0, view.state.doc.length, (from) => { line = view.state.doc.lineAt(from).number; });
      return line;
    },
    setCursor(offset) { view.dispatch({ selection: EditorSelection.cursor(Math.min(offset, view.state.doc.length)) }); },
    setSource(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
    focus() { view.focus(); },
    hasFocus() { return view.hasFocus; },
    destroy() { view.destroy(); },
  };
}
