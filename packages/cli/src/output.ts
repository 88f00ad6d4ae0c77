/** Formatting for people: tables, sizes, durations, and refusals explained (prototxt errors compiler-style). */
import type { ApiError } from '@elastic-caffe/sdk';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `2026-12-06T02:50:56.038Z` → `2026-12-06 02:50`. */
export const when = (iso: string | undefined): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/**
 * A refusal's field errors. Errors in a prototxt the command read from a file print as a compiler
 * would: `net.prototxt:12:5: error: <message>`, the source line, and a caret under the column.
 */
export function describeRefusal(error: ApiError, sources: Map<string, { path: string; text: string }>): string {
  const lines = [`error: ${error.problem ? error.summary : error.message}`];
  const fieldErrors = error.errors;
  const located = fieldErrors.filter((e) => sources.has(e.field));
  if (located.length) lines.length = 0;
  for (const fieldError of fieldErrors) {
    const source = sources.get(fieldError.field);
    if (!source) {
      lines.push(`  ${fieldError.field}: ${fieldError.message}`);
      continue;
    }
    if (fieldError.line === undefined) {
      lines.push(`${source.path}: error: ${fieldError.message}`);
      continue;
    }
    const column = fieldError.column ?? 1;
    lines.push(`${source.path}:${fieldError.line}:${column}: error: ${fieldError.message}`);
    const text = source.text.split('\n')[fieldError.line - 1];
    if (text !== undefined) {
      const expanded = text.replace(/\t/g, ' ');
      lines.push(`  ${expanded}`, `  ${' '.repeat(Math.max(0, column - 1))}^`);
    }
  }
  return lines.join('\n');
}
