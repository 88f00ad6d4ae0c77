// STAND-IN: replaced by the components helper's version at merge
/** A prototxt editor: a textarea named by `label` with the problems listed below it (the page shows the caption). */
import type { PrototxtEditorProps } from '../contracts';

export default function PrototxtEditor({ label, value, onChange, problems = [] }: PrototxtEditorProps) {
  return (
    <div class="editor">
      <textarea
        aria-label={label}
        rows={16}
        spellcheck={false}
        value={value}
        onInput={(event) => onChange((event.target as HTMLTextAreaElement).value)}
      />
      {problems.length > 0 && (
        <ul class="problems" aria-label={`${label} problems`}>
          {problems.map((p) => (
            <li key={`${p.line}:${p.column}:${p.message}`}>
              line {p.line}, column {p.column}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
