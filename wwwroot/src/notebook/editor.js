// CodeMirror 6 for cell sources: Python highlighting for code cells, plain text for markdown/raw,
// line numbers, bracket matching, auto-indent, history. Notebook keys (Shift/Ctrl/Alt+Enter, Esc)
// are handed to the page through the callbacks so CodeMirror never swallows them. Tab after a name
// or a dot asks the kernel for completions (Jupyter's habit); elsewhere Tab indents.
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, highlightSpecialChars } from '@codemirror/view';
import { EditorState, Prec, Compartment } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { autocompletion, closeBrackets, closeBracketsKeymap, startCompletion, completionStatus } from '@codemirror/autocomplete';
import { python } from '@codemirror/lang-python';

const theme = EditorView.theme({
  '&': { fontSize: '14px', backgroundColor: '#f8f9fb', borderRadius: '6px' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: '#f1f3f6', color: '#6b7280', borderRight: '1px solid #e3e6ec', borderRadius: '6px 0 0 6px' },
  '&.cm-focused': { outline: '2px solid #2457d6' },
});

// Completions come from the student's running kernel (POST /api/complete), so they know the
// notebook's own variables; never fetched while typing, only on Tab or Ctrl+Space.
function kernelCompletions(currentType, onComplete) {
  return async (context) => {
    if (currentType() !== 'code' || !onComplete) return null;
    const word = context.matchBefore(/[\w.]*/);
    if (!context.explicit && (!word || word.from === word.to)) return null;
    const answer = await onComplete(context.state.doc.toString(), context.pos);
    if (!answer || answer.matches.length === 0 || context.aborted) return null;
    return {
      from: answer.cursorStart,
      to: answer.cursorEnd,
      options: answer.matches.map((label) => ({ label, type: label.endsWith('(') ? 'function' : 'variable' })),
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

export function createEditor(parent, { source, type, label, onChange, onKey, onFocus, onComplete }) {
  const language = new Compartment();
  let currentType = type;
  const notebookKeys = Prec.highest(keymap.of([
    { key: 'Shift-Enter', run: () => onKey('run-advance') },
    { key: 'Mod-Enter', run: () => onKey('run') },
    { key: 'Alt-Enter', run: () => onKey('run-insert') },
    // Esc closes an open completion list first (false hands the key on to it).
    { key: 'Escape', run: (view) => completionStatus(view.state) === 'active' ? false : onKey('command-mode') },
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
        autocompletion({ override: [kernelCompletions(() => currentType, onComplete)], activateOnTyping: false, icons: false }),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        language.of(type === 'code' ? python() : []),
        EditorState.tabSize.of(4),
        keymap.of([...closeBracketsKeymap, { key: 'Tab', run: (view) => currentType === 'code' && tabCompletes(view) }, ...defaultKeymap, ...historyKeymap, indentWithTab]),
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
