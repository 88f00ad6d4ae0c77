/**
 * Admin (members of the admins group): how much work runs at once (capacity), what each tenant may
 * upload and keep (limits), the queue per tenant, and deleting a tenant — which asks for its id typed again.
 */
import type { Capacity, Limits } from '@elastic-caffe/sdk';
import { useState } from 'preact/hooks';
import { adminQueue } from '../api-extras';
import { useClient } from '../context';
import { ErrorAlert, PageHeader, formatDate, useInterval, useLoad } from '../ui';

type TenantLimits = Limits['default'];

/** Per-tenant numbers as `tenant=N` lines, for a textarea. */
const overridesText = (tenants: Record<string, number>) =>
  Object.entries(tenants)
    .map(([t, n]) => `${t}=${n}`)
    .join('\n');

function parseOverrides(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\d+)$/.exec(line);
    if (!match) throw new Error(`"${line}" is not tenant=number`);
    out[match[1]!] = Number(match[2]);
  }
  return out;
}

function CapacityForm({ capacity, onSaved }: { capacity: Capacity; onSaved: () => void }) {
  const client = useClient();
  const [maxWorkers, setMaxWorkers] = useState(capacity.maxWorkers);
  const [perTenant, setPerTenant] = useState(capacity.maxConcurrentJobs.default);
  const [overrides, setOverrides] = useState(overridesText(capacity.maxConcurrentJobs.tenants));
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<unknown>();
  return (
    <form
      class="card"
      aria-labelledby="capacity-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        setStatus(undefined);
        try {
          await client.admin.setCapacity({
            maxWorkers,
            maxConcurrentJobs: { default: perTenant, tenants: parseOverrides(overrides) },
          });
          setStatus('Capacity saved.');
          onSaved();
        } catch (err) {
          setError(err);
        }
      }}
    >
      <h2 id="capacity-heading">Capacity</h2>
      <p class="muted">
        {capacity.source === 'admin' ? `Set by an admin ${formatDate(capacity.updatedAt)}` : 'The defaults'}.
      </p>
      <div class="row">
        <div class="field">
          <label for="max-workers">Jobs running at once, all tenants</label>
          <input
            id="max-workers"
            type="number"
            min={0}
            required
            value={maxWorkers}
            onInput={(e) => setMaxWorkers(Number((e.target as HTMLInputElement).value))}
          />
        </div>
        <div class="field">
          <label for="per-tenant">Jobs running at once, per tenant</label>
          <input
            id="per-tenant"
            type="number"
            min={0}
            required
            value={perTenant}
            onInput={(e) => setPerTenant(Number((e.target as HTMLInputElement).value))}
          />
        </div>
      </div>
      <div class="field">
        <label for="capacity-overrides">Per-tenant overrides (one tenant=number a line)</label>
        <textarea
          id="capacity-overrides"
          rows={3}
          value={overrides}
          onInput={(e) => setOverrides((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      <ErrorAlert error={error} prefix="Not saved" />
      {status && <p role="status">{status}</p>}
      <button type="submit">Save capacity</button>
    </form>
  );
}

const limitFields: Array<{ key: keyof TenantLimits; label: string }> = [
  { key: 'maxDatafileBytes', label: 'Largest datafile (bytes)' },
  { key: 'maxArchiveEntries', label: 'Entries per archive' },
  { key: 'maxUncompressedBytes', label: 'Unpacked bytes per archive' },
  { key: 'maxQueuedJobs', label: 'Training jobs waiting at once' },
  { key: 'maxStorageBytes', label: 'Storage for datafiles (bytes)' },
];

function LimitsForm({ limits, onSaved }: { limits: Limits; onSaved: () => void }) {
  const client = useClient();
  const [values, setValues] = useState<TenantLimits>(limits.default);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<unknown>();
  return (
    <form
      class="card"
      aria-labelledby="limits-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        setStatus(undefined);
        try {
          await client.admin.setLimits({ default: values, tenants: limits.tenants });
          setStatus('Limits saved.');
          onSaved();
        } catch (err) {
          setError(err);
        }
      }}
    >
      <h2 id="limits-heading">Limits per tenant</h2>
      <p class="muted">
        {limits.source === 'admin' ? `Set by an admin ${formatDate(limits.updatedAt)}` : 'The defaults'}
        {Object.keys(limits.tenants).length ? `; ${Object.keys(limits.tenants).length} tenant(s) have their own` : ''}.
      </p>
      <div class="row wrap">
        {limitFields.map(({ key, label }) => (
          <div class="field" key={key}>
            <label for={`limit-${key}`}>{label}</label>
            <input
              id={`limit-${key}`}
              type="number"
              min={0}
              required
              value={values[key]}
              onInput={(e) => setValues((v) => ({ ...v, [key]: Number((e.target as HTMLInputElement).value) }))}
            />
          </div>
        ))}
      </div>
      <ErrorAlert error={error} prefix="Not saved" />
      {status && <p role="status">{status}</p>}
      <button type="submit">Save limits</button>
    </form>
  );
}

function Queue() {
  const client = useClient();
  const queue = useLoad(() => adminQueue(client), [client]);
  useInterval(queue.reload, 5000, queue.data !== undefined);
  return (
    <section class="card" aria-labelledby="queue-heading">
      <h2 id="queue-heading">Queue</h2>
      <ErrorAlert error={queue.error} />
      {!queue.loading && !queue.data && !queue.error && <p class="muted">The queue is not available from this API.</p>}
      {queue.data &&
        (queue.data.tenants.length ? (
          <table class="records">
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Running</th>
                <th scope="col">Waiting</th>
              </tr>
            </thead>
            <tbody>
              {queue.data.tenants.map((t) => (
                <tr key={t.tenantId}>
                  <th scope="row">{t.tenantId}</th>
                  <td class="number">{t.running}</td>
                  <td class="number">{t.waiting}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>Nothing is running or waiting.</p>
        ))}
    </section>
  );
}

function DeleteTenant() {
  const client = useClient();
  const [tenant, setTenant] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="card danger-zone"
      aria-labelledby="delete-tenant-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        if (confirmation !== tenant) return;
        setBusy(true);
        setError(undefined);
        setStatus(undefined);
        try {
          const result = await client.admin.deleteTenant(tenant);
          setStatus(
            result.complete
              ? `Deleted ${tenant}: ${result.recordsDeleted} records and ${result.objectsDeleted} objects.`
              : `${result.stillStopping.length} job(s) of ${tenant} are still stopping: delete again in a moment.`,
          );
          setConfirmation('');
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="delete-tenant-heading">Delete a tenant</h2>
      <p>Stops the tenant’s jobs and deletes all its records and files. This cannot be undone.</p>
      <div class="row">
        <div class="field">
          <label for="delete-tenant">Tenant id</label>
          <input
            id="delete-tenant"
            required
            value={tenant}
            onInput={(e) => setTenant((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="delete-tenant-confirm">Type the tenant id again to confirm</label>
          <input
            id="delete-tenant-confirm"
            required
            autoComplete="off"
            value={confirmation}
            onInput={(e) => setConfirmation((e.target as HTMLInputElement).value)}
          />
        </div>
      </div>
      <ErrorAlert error={error} prefix="Not deleted" />
      {status && <p role="status">{status}</p>}
      <button type="submit" class="danger" disabled={busy || !tenant || confirmation !== tenant}>
        Delete the tenant and everything it has
      </button>
    </form>
  );
}

export function AdminPage() {
  const client = useClient();
  const capacity = useLoad(() => client.admin.capacity(), [client]);
  const limits = useLoad(() => client.admin.limits(), [client]);
  return (
    <>
      <PageHeader title="Admin" />
      <ErrorAlert error={capacity.error ?? limits.error} />
      <div class="two-columns">
        {capacity.data && <CapacityForm capacity={capacity.data} onSaved={capacity.reload} />}
        <Queue />
      </div>
      {limits.data && <LimitsForm limits={limits.data} onSaved={limits.reload} />}
      <DeleteTenant />
    </>
  );
}
