/**
 * The small pieces every page uses: the page heading (title and focus on navigation), errors as
 * alerts with the API's problem details, loading and polling hooks, status badges, progress bars,
 * a two-step delete button, a record page's heading and formatters.
 */
import { ApiError } from '@elastic-caffe/sdk';
import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

/** The page's `<h1>`: sets the document title and takes the focus after a navigation (for screen readers). */
export function PageHeader({ title, children }: { title: string; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    document.title = `${title} · Elastic Caffe`;
  }, [title]);
  useEffect(() => {
    // The first page keeps the focus where the browser puts it; later navigations move it to the new page.
    if (document.body.dataset.navigated) heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <header class="page-header">
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children && <div class="page-actions">{children}</div>}
    </header>
  );
}

/** The error as a person can act on it: the API's problem title, detail and each bad field. */
export function ErrorAlert({ error, prefix }: { error: unknown; prefix?: string }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : undefined;
  const message = problem ? `${problem.title}: ${problem.detail}` : (error as Error).message || String(error);
  return (
    <div class="alert" role="alert">
      <p>
        {prefix ? `${prefix}: ` : ''}
        {message}
      </p>
      {problem?.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.line}:${e.column}:${e.message}`}>
              <code>{e.field}</code>
              {e.line ? ` line ${e.line}${e.column ? `, column ${e.column}` : ''}` : ''}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of `deps`; `reload` loads again (keeping the old data shown meanwhile). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  // The caller names what the load depends on (`deps`).
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) => current && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Calls `tick` every `intervalMs` while `active` (and the page is open). */
export function useInterval(tick: () => void, intervalMs: number, active: boolean): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => latest.current(), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
}

const finalStatuses = new Set(['ready', 'succeeded', 'failed', 'cancelled', 'stopped']);
/** True while the record's work is still going on. */
export const isActive = (status: string | undefined): boolean => status !== undefined && !finalStatuses.has(status);

export function StatusBadge({ status }: { status: string | undefined }) {
  const value = status ?? 'ready';
  return <span class={`status status-${value}`}>{value}</span>;
}

/** A labelled progress bar; no `value` is an indeterminate one. */
export function ProgressBar({ label, value, max = 1 }: { label: string; value?: number; max?: number }) {
  return (
    <progress aria-label={label} max={max} {...(value !== undefined ? { value } : {})}>
      {value !== undefined ? `${Math.round((100 * value) / max)}%` : ''}
    </progress>
  );
}

/** A delete that asks first: the first press shows a confirmation, the second deletes. */
export function DeleteButton({ what, onDelete }: { what: string; onDelete: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button type="button" class="danger secondary" onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  return (
    <span class="confirm">
      <span>Delete {what}?</span>
      <button
        type="button"
        class="danger"
        ref={confirm}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onDelete();
            setAsking(false);
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        Yes, delete
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Keep
      </button>
      <ErrorAlert error={error} />
    </span>
  );
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 && unit > 0 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const formatDate = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

/** A record's name, or its id when it has none. */
export const nameOf = (record: { id: string; name?: string }): string => record.name || record.id;

/**
 * A record page's heading: "Noun name" once the record is loaded, the page's own actions, then a
 * delete that goes back to the list once done (left out while `deletable` is false, e.g. a sweep
 * still running).
 */
export function RecordHeader({
  noun,
  record,
  remove,
  listPath,
  deletable = true,
  children,
}: {
  noun: string;
  record: { id: string; name?: string } | undefined;
  remove: () => Promise<unknown>;
  listPath: string;
  deletable?: boolean;
  children?: ComponentChildren;
}) {
  const { route } = useLocation();
  return (
    <PageHeader title={record ? `${noun} ${nameOf(record)}` : noun}>
      {children}
      {record && deletable && (
        <DeleteButton
          what={nameOf(record)}
          onDelete={async () => {
            await remove();
            route(listPath);
          }}
        />
      )}
    </PageHeader>
  );
}

/** A table, or a sentence when there is nothing to list. */
export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}
