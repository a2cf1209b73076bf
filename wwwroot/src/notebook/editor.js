// CodeMirror 6 for cell sources: Python highlighting for code cells, plain text for markdown/raw,
// line numbers, bracket matching, auto-indent, history. Notebook keys (Shift/Ctrl/Alt+Enter, Esc)
// are handed to the page through the callbacks so CodeMirror never swallows them. Tab after a name
// or a dot asks the kernel for completions (Jupyter's habit); elsewhere Tab indents. Shift+Tab after
// code on the line asks the kernel for help on the name or call at the cursor; at a line's start it unindents.
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, highlightSpecialChars, showTooltip } from '@codemirror/view';
import { EditorState, Prec, Compartment, StateField, StateEffect } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, startCompletion, completionStatus } from '@codemirror/autocomplete';
import { python } from '@codemirror/lang-python';

const theme = EditorView.theme({
  '&': { fontSize: '14px', backgroundColor: '#f8f9fb', borderRadius: '6px' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: '#f1f3f6', color: '#6b7280', borderRight: '1px solid #e3e6ec', borderRadius: '6px 0 0 6px' },
  '&.cm-focused': { outline: '2px solid #2457d6' },
  '.cm-tooltip.cm-help': { maxWidth: 'min(88ch, 90vw)', maxHeight: '18em', overflow: 'auto', padding: '6px 10px', backgroundColor: '#fff', border: '1px solid #c9ced8', borderRadius: '6px', boxShadow: '0 4px 12px rgb(0 0 0 / 12%)' },
  '.cm-completionInfo': { maxWidth: 'min(72ch, 60vw)', maxHeight: '18em', overflow: 'auto' },
  '.cm-help-info': { margin: 0, whiteSpace: 'pre-wrap', fontFamily: 'var(--mono)', fontSize: '12px', lineHeight: 1.4 },
  '.cm-help pre': { margin: 0, whiteSpace: 'pre-wrap', fontFamily: 'var(--mono)', fontSize: '13px', lineHeight: 1.4 },
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
    const info = (label) => async () => {
      const name = label.replace(/\($/, '');
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
      options: answer.matches.map((label) => ({ label, type: label.endsWith('(') ? 'function' : 'variable', info: info(label) })),
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

export function createEditor(parent, { source, type, label, onChange, onKey, onFocus, onComplete, onInspect }) {
  const language = new Compartment();
  let currentType = type;
  const notebookKeys = Prec.highest(keymap.of([
    { key: 'Shift-Enter', run: () => onKey('run-advance') },
    { key: 'Mod-Enter', run: () => onKey('run') },
    { key: 'Alt-Enter', run: () => onKey('run-insert') },
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
        EditorView.focusChangeEffect.of((state, focusing) => (!focusing && state.field(helpField) ? setHelp.of(null) : null)),
        autocompletion({ override: [kernelCompletions(() => currentType, onComplete, onInspect)], activateOnTyping: false, icons: false }),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        language.of(type === 'code' ? python() : []),
        EditorState.tabSize.of(4),
        keymap.of([...closeBracketsKeymap, { key: 'Tab', run: (view) => currentType === 'code' && tabCompletes(view) }, { key: 'Shift-Tab', run: (view) => currentType === 'code' && !!onInspect && shiftTabHelps(view, onInspect) }, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
          if (update.focusChanged && update.view.hasFocus) onFocus();
        }),
        theme,
      ],
    }),
  });
  return {
    view,
    get source() { return view.state.doc.toString(); },
    setType(newType) { currentType = newType; view.dispatch({ effects: language.reconfigure(newType === 'code' ? python() : []) }); },
    setSource(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
    focus() { view.focus(); },
    hasFocus() { return view.hasFocus; },
    destroy() { view.destroy(); },
  };
}
