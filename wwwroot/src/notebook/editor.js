// CodeMirror 6 for cell sources: Python highlighting for code cells, plain text for markdown/raw,
// line numbers, bracket matching, auto-indent, history. Notebook keys (Shift/Ctrl/Alt+Enter, Esc)
// are handed to the page through the callbacks so CodeMirror never swallows them.
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, highlightSpecialChars } from '@codemirror/view';
import { EditorState, Prec, Compartment } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, indentOnInput, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { python } from '@codemirror/lang-python';

const theme = EditorView.theme({
  '&': { fontSize: '14px', backgroundColor: '#f8f9fb', borderRadius: '6px' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0' },
  '.cm-gutters': { backgroundColor: '#f1f3f6', color: '#6b7280', borderRight: '1px solid #e3e6ec', borderRadius: '6px 0 0 6px' },
  '&.cm-focused': { outline: '2px solid #2457d6' },
});

export function createEditor(parent, { source, type, label, onChange, onKey, onFocus }) {
  const language = new Compartment();
  const notebookKeys = Prec.highest(keymap.of([
    { key: 'Shift-Enter', run: () => onKey('run-advance') },
    { key: 'Mod-Enter', run: () => onKey('run') },
    { key: 'Alt-Enter', run: () => onKey('run-insert') },
    { key: 'Escape', run: () => onKey('command-mode') },
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
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        language.of(type === 'code' ? python() : []),
        EditorState.tabSize.of(4),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
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
    setType(newType) { view.dispatch({ effects: language.reconfigure(newType === 'code' ? python() : []) }); },
    setSource(text) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }); },
    focus() { view.focus(); },
    hasFocus() { return view.hasFocus; },
    destroy() { view.destroy(); },
  };
}
