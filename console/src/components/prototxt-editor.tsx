/**
 * The prototxt editor: CodeMirror 6 with line numbers, highlighting, bracket matching and the service's problems
 * shown inline (underlined, in the gutter, and as a message under their line) until the text changes.
 * Tab is not taken over, so keyboard users leave the editor with Tab as from any text field. It lives in a
 * shadow root (open: tests and assistive technology see into it) so its styles work under a strict CSP.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { type Diagnostic, lintGutter, lintKeymap, setDiagnostics, setDiagnosticsEffect } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, type Extension, StateField } from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  WidgetType,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useRef } from 'preact/hooks';
import type { PrototxtEditorProps } from '../contracts';
import { prototxt } from './prototxt-language';
import { problemDiagnostics } from './prototxt-problems';

/** Marks the transaction that loads a new `value` from the props, so it is not echoed back through onChange. */
const fromProps = Annotation.define<boolean>();

export default function PrototxtEditor({ label, value, onChange, problems }: PrototxtEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const labelling = useRef(new Compartment());

  useEffect(() => {
    // In a shadow root CodeMirror adopts its stylesheets instead of adding <style> elements, which a strict
    // Content-Security-Policy (style-src 'self', no 'unsafe-inline') would block, leaving the editor unstyled.
    const el = host.current!;
    const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    const editor = new EditorView({
      root,
      parent: root,
      state: EditorState.create({
        doc: value,
        extensions: [
          baseExtensions,
          labelling.current.of(accessibleName(label)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromProps))) {
              onChangeRef.current(update.state.doc.toString());
            }
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is made once; the effects below bring later props into it.
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: labelling.current.reconfigure(accessibleName(label)) });
  }, [label]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({
      changes: { from: 0, to: editor.state.doc.length, insert: value },
      annotations: fromProps.of(true),
    });
  }, [value]);

  // A new problems array (a new answer from the service) is shown, the first one scrolled into view (CodeMirror
  // only renders the lines in view); edits clear them (clearProblemsOnEdit).
  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const diagnostics = problemDiagnostics(editor.state.doc, problems ?? []);
    const first = diagnostics.reduce<number | undefined>((min, d) => Math.min(min ?? d.from, d.from), undefined);
    const spec = setDiagnostics(editor.state, diagnostics);
    const scroll = first === undefined ? [] : [EditorView.scrollIntoView(first, { y: 'center' })];
    editor.dispatch(spec, { effects: scroll });
  }, [problems]);

  return <div ref={host} class="ec-prototxt-editor" />;
}

function accessibleName(label: string): Extension {
  // tabindex: axe's scrollable-region-focusable wants the scroller's content reachable by keyboard, said explicitly.
  return EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' });
}

/** The problems are about the text the service saw; once it changes, their positions mean nothing. */
const clearProblemsOnEdit = EditorState.transactionExtender.of((tr) =>
  tr.docChanged ? { effects: setDiagnosticsEffect.of([]) } : null,
);

/** Each problem's message as a line of text under the line it is on, so it can be read without hovering. */
class ProblemMessage extends WidgetType {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: ProblemMessage): boolean {
    return other.text === this.text;
  }
  toDOM(): HTMLElement {
    const el = document.createElement('div');
    el.className = 'cm-ec-problem';
    el.textContent = this.text;
    return el;
  }
}

const problemMessages = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(messages, tr) {
    for (const effect of tr.effects) {
      if (effect.is(setDiagnosticsEffect)) return messageDecorations(tr.state, effect.value);
    }
    return messages.map(tr.changes);
  },
  provide: (field) => EditorView.decorations.from(field),
});

function messageDecorations(state: EditorState, diagnostics: readonly Diagnostic[]): DecorationSet {
  const ranges = diagnostics.map((d) => {
    const line = state.doc.lineAt(d.from);
    const text = `Line ${line.number}, column ${d.from - line.from + 1}: ${d.message}`;
    return Decoration.widget({ widget: new ProblemMessage(text), block: true, side: 1 }).range(line.to);
  });
  return Decoration.set(ranges, true);
}

/** Colours that keep 4.5:1 or better against the white background (WCAG AA). */
const highlightStyle = HighlightStyle.define([
  { tag: tags.comment, color: '#57606a', fontStyle: 'italic' },
  { tag: tags.string, color: '#116329' },
  { tag: tags.number, color: '#953800' },
  { tag: tags.bool, color: '#953800' },
  { tag: tags.propertyName, color: '#0550ae' },
  { tag: tags.atom, color: '#8250df', fontWeight: '600' },
  { tag: [tags.brace, tags.angleBracket, tags.squareBracket, tags.punctuation, tags.separator], color: '#24292f' },
  { tag: tags.invalid, color: '#a40e26', textDecoration: 'underline wavy' },
]);

const theme = EditorView.theme({
  '&': { border: '1px solid #8c959f', borderRadius: '4px', backgroundColor: '#ffffff', color: '#1f2328' },
  '&.cm-focused': { outline: '2px solid #0969da', outlineOffset: '1px' },
  '.cm-scroller': {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: '13px',
    minHeight: '12em',
    maxHeight: '70vh',
    overflow: 'auto',
  },
  '.cm-gutters': { backgroundColor: '#f6f8fa', color: '#57606a', borderRight: '1px solid #d0d7de' },
  '.cm-activeLineGutter': { backgroundColor: '#eaeef2', color: '#1f2328' },
  '.cm-matchingBracket': { backgroundColor: '#ccebd8', outline: '1px solid #1a7f37' },
  '.cm-nonmatchingBracket': { backgroundColor: '#ffebe9', outline: '1px solid #cf222e' },
  // @codemirror/lint draws the underline and the gutter dot as data: SVG images, which a CSP without data: in
  // img-src blocks; plain CSS draws the same.
  '.cm-lintRange-error': {
    backgroundImage: 'none',
    textDecoration: 'underline wavy #cf222e',
    textDecorationSkipInk: 'none',
    textUnderlineOffset: '3px',
  },
  '.cm-lint-marker-error': {
    content: 'normal',
    display: 'inline-block',
    width: '0.8em',
    height: '0.8em',
    borderRadius: '50%',
    backgroundColor: '#cf222e',
  },
  '.cm-ec-problem': {
    color: '#82071e',
    backgroundColor: '#ffebe9',
    borderLeft: '3px solid #cf222e',
    padding: '1px 8px',
    fontFamily: 'system-ui, sans-serif',
    fontSize: '12px',
  },
});

const baseExtensions: Extension = [
  lineNumbers(),
  highlightActiveLineGutter(),
  history(),
  drawSelection(),
  indentOnInput(),
  bracketMatching(),
  prototxt,
  syntaxHighlighting(highlightStyle),
  lintGutter(),
  problemMessages,
  clearProblemsOnEdit,
  // No indentWithTab: Tab moves focus out; Enter indents (the language knows the brace depth).
  keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
  theme,
];
