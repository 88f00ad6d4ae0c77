/**
 * Tenant isolation through the HTTP API of a real local cloud. Tenant A owns a real datafile,
 * dataset, solver and (finished) training job; tenant B walks EVERY route of the route table with
 * A's ids and must get 404 — never 403, never A's data — while A sees its own. Presigned URLs stay
 * in the caller's prefix. Also: pagination walks cursors newest first, and cursors are checked.
 */
import { PNG } from 'pngjs';
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { localNames } from '../../local/resources';
import { routes } from '../../core/routes';
import { routeKey } from '../../core/route';
import { collections, type Collection } from '../../core/collections';
import { readLimits } from '../../core/limits';
import { readCapacity } from '../../core/scheduling/capacity';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { validateResponse } from '../support/validate-responses';
import { craftTar, fashionMnistEntries, tinyNet, tinySolver, uploadArchive } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

const A = 'tenant-alpha';
const B = 'tenant-bravo';
/** Names only A's records carry: if any shows up in an answer to B, A's data leaked. */
const secret = 'alpha-private-7f3a';

let tc: TestCloud;
let a: ElasticCaffeClient;
let b: ElasticCaffeClient;
const ids = {} as Record<Collection, string>;
const sweepRecords: Partial<Record<Collection, string[]>> = {};
let aUploadUrl: string;

interface Answer {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

async function send(api: ElasticCaffeClient, method: string, urlPath: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${urlPath}`, {
    method,
    headers: {
      authorization: `Bearer ${api.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const answer = {
    status: response.status,
    contentType,
    text,
    body: contentType.includes('json') && text ? JSON.parse(text) : text,
  };
  // B's 404s on every route are answers too: each must be one the OpenAPI document lists.
  validateResponse({ method, path: urlPath, ...answer });
  return answer;
}

/** A presigned URL points at an object inside the tenant's own prefix of the bucket. */
function expectInsideTenant(url: string, tenant: string): void {
  const { pathname } = new URL(url);
  const key = decodeURIComponent(pathname).replace(new RegExp(`^/${localNames.bucket}/`), '');
  expect(key).not.toBe(decodeURIComponent(pathname));
  expect(key.startsWith(`tenants/${tenant}/`)).toBe(true);
  expect(key).not.toContain('..');
}

beforeAll(async () => {
  tc = await startTestCloud();
  a = await tc.as(A);
  b = await tc.as(B);
  const { entries } = await fashionMnistEntries(fashionMnistDir(), 50);
  const datafile = await uploadArchive(a, `${secret}-datafile`, craftTar(entries, { gzip: true }));
  ids.datafiles = datafile.id;
  aUploadUrl = datafile.upload.url;
  ids.datasets = (
    await a.request<{ id: string }>('POST', '/v1/datasets', {
      name: `${secret}-dataset`,
      training: { datafileId: datafile.id, splitPercentage: 0.8 },
      testing: { datafileId: datafile.id, splitPercentage: 0.2 },
    })
  ).id;
  ids.solvers = (
    await a.request<{ id: string }>('POST', '/v1/solvers', {
      name: `${secret}-solver`,
      datasetId: ids.datasets,
      solver: tinySolver(20),
      net: tinyNet(),
    })
  ).id;
  ids['training-jobs'] = (
    await a.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: ids.solvers, name: `${secret}-job` })
  ).id;
  // Finished, so A has a log, snapshots and a model that B must not reach.
  const job = await a.waitFor<{ status: string; error?: string }>(
    `/v1/training-jobs/${ids['training-jobs']}`,
    (j) => ['succeeded', 'failed'].includes(j.status),
    {
      timeoutMs: 4 * 60_000,
    },
  );
  expect(job).toMatchObject({ status: 'succeeded' });
  ids.classifiers = (
    await a.request<{ id: string }>('POST', '/v1/classifiers', {
      trainingJobId: ids['training-jobs'],
      name: `${secret}-classifier`,
    })
  ).id;
  // A finished classify job, so A has results that B must not reach.
  const classifyJob = await a.request<{ id: string; upload: { url: string } }>(
    'POST',
    `/v1/classifiers/${ids.classifiers}/classify-jobs`,
    { name: `${secret}-classify`, archive: true },
  );
  ids['classify-jobs'] = classifyJob.id;
  expect(
    (
      await fetch(classifyJob.upload.url, {
        method: 'PUT',
        body: craftTar(entries.filter((e) => 'data' in e).slice(0, 3)),
      })
    ).status,
  ).toBe(200);
  const classified = await a.waitFor<{ status: string }>(
    `/v1/classify-jobs/${classifyJob.id}`,
    (j) => ['succeeded', 'failed'].includes(j.status),
    { timeoutMs: 2 * 60_000 },
  );
  expect(classified).toMatchObject({ status: 'succeeded' });
  // A model published from A's job (no Batch work), and a one-trial sweep run to its end.
  ids.models = (
    await a.request<{ id: string }>('POST', '/v1/models', {
      name: `${secret}-model`,
      trainingJobId: ids['training-jobs'],
    })
  ).id;
  ids.sweeps = (
    await a.request<{ id: string }>('POST', '/v1/sweeps', {
      name: `${secret}-sweep`,
      solverId: ids.solvers,
      parameters: { base_lr: { values: [0.01] } },
      strategy: 'grid',
      maxParallel: 1,
      objective: { output: 'accuracy', goal: 'maximize' },
    })
  ).id;
  const sweep = await a.waitFor<{ status: string; trials: Array<{ jobIds: string[] }> }>(
    `/v1/sweeps/${ids.sweeps}`,
    (s) => ['succeeded', 'failed', 'cancelled'].includes(s.status),
    { timeoutMs: 4 * 60_000 },
  );
  expect(sweep.status).toBe('succeeded');
  // The trial's job and its derived solver are A's records too.
  const trialJobId = sweep.trials[0]!.jobIds[0]!;
  const trialJob = await a.request<{ solverId: string }>('GET', `/v1/training-jobs/${trialJobId}`);
  sweepRecords['training-jobs'] = [trialJobId];
  sweepRecords.solvers = [trialJob.solverId];
});

/** What A owns in a collection: the record made for it, and those the sweep made. */
const owned = (collection: Collection) => [ids[collection], ...(sweepRecords[collection] ?? [])].sort();

afterAll(async () => {
  await tc?.stop();
});

describe('tenant A sees its own objects', () => {
  it.each(collections.map((c) => [c]))("A's %s list contains A's record, and reading it works", async (collection) => {
    const list = await a.request<{ items: Array<{ id: string; name?: string }> }>('GET', `/v1/${collection}`);
    expect(list.items.map((r) => r.id).sort()).toEqual(owned(collection));
    const record = await a.request<{ id: string; name?: string; tenantId?: string }>(
      'GET',
      `/v1/${collection}/${ids[collection]}`,
    );
    expect(record.id).toBe(ids[collection]);
    expect(record.name).toContain(secret);
    expect(record).not.toHaveProperty('tenantId');
  });

  it("A's upload URL points inside tenants/A/", () => {
    expectInsideTenant(aUploadUrl, A);
  });

  it("A's classify job results URL points inside tenants/A/ and downloads", async () => {
    const results = await a.request<{ url: string; bytes: number }>(
      'GET',
      `/v1/classify-jobs/${ids['classify-jobs']}/results`,
    );
    expectInsideTenant(results.url, A);
    const file = (await (await fetch(results.url)).json()) as { results: unknown[] };
    expect(file.results).toHaveLength(3);
  });

  it("A's log and artifacts; every artifact URL points inside tenants/A/ and downloads", async () => {
    const log = await a.request<string>('GET', `/v1/training-jobs/${ids['training-jobs']}/logs`);
    expect(log).toMatch(/Optimization Done/);
    const artifacts = await a.request<{
      model: { url: string; bytes: number };
      snapshots: Array<{ iteration: number; model?: { url: string }; solverState?: { url: string } }>;
    }>('GET', `/v1/training-jobs/${ids['training-jobs']}/artifacts`);
    expect(artifacts.model.bytes).toBeGreaterThan(0);
    expect(artifacts.snapshots.map((s) => s.iteration)).toEqual([10, 20]);
    const urls = [
      artifacts.model.url,
      ...artifacts.snapshots.flatMap((s) => [s.model?.url, s.solverState?.url]),
    ].filter((u): u is string => Boolean(u));
    expect(urls.length).toBe(5);
    for (const url of urls) expectInsideTenant(url, A);
    const model = await fetch(artifacts.model.url);
    expect(model.status).toBe(200);
    expect((await model.arrayBuffer()).byteLength).toBe(artifacts.model.bytes);
  });
});

describe("tenant B walks every route with A's ids", () => {
  beforeAll(async () => {
    // B starts with nothing at all.
    for (const collection of collections)
      expect((await b.request<{ items: unknown[] }>('GET', `/v1/${collection}`)).items).toEqual([]);
  });

  /** What B sends on each route, and what must come back. Every route of the table must be here. */
  const cases: Record<string, () => Promise<void>> = {
    'POST /v1/datafiles': async () => {
      // No id to steal here: B gets its own datafile, uploading into B's prefix only.
      const answer = await send(b, 'POST', '/v1/datafiles', { name: 'bravo-datafile', format: 'image-folders' });
      expect(answer.status).toBe(201);
      const body = answer.body as { id: string; upload: { url: string } };
      expect(body.id).not.toBe(ids.datafiles);
      expectInsideTenant(body.upload.url, B);
    },
    'GET /v1/datafiles/{id}/upload': async () => {
      expectNotFound(await send(b, 'GET', `/v1/datafiles/${ids.datafiles}/upload`), ids.datafiles);
    },
    'POST /v1/datafiles/{id}/complete': async () => {
      expectNotFound(await send(b, 'POST', `/v1/datafiles/${ids.datafiles}/complete`), ids.datafiles);
    },
    'DELETE /v1/datafiles/{id}': async () => {
      expectNotFound(await send(b, 'DELETE', `/v1/datafiles/${ids.datafiles}`), ids.datafiles);
      expect((await a.request<{ id: string }>('GET', `/v1/datafiles/${ids.datafiles}`)).id).toBe(ids.datafiles);
    },
    'POST /v1/datasets': async () => {
      const answer = await send(b, 'POST', '/v1/datasets', {
        name: 'bravo-dataset',
        training: { datafileId: ids.datafiles, splitPercentage: 0.8 },
        testing: { datafileId: ids.datafiles, splitPercentage: 0.2 },
      });
      expectNotFound(answer, ids.datafiles);
    },
    'POST /v1/solvers': async () => {
      const answer = await send(b, 'POST', '/v1/solvers', {
        name: 'bravo-solver',
        datasetId: ids.datasets,
        solver: tinySolver(),
        net: tinyNet(),
      });
      expectNotFound(answer, ids.datasets);
    },
    'POST /v1/training-jobs': async () => {
      const answer = await send(b, 'POST', '/v1/training-jobs', { solverId: ids.solvers });
      expectNotFound(answer, ids.solvers);
    },
    'GET /v1/training-jobs/{id}/logs': async () => {
      expectNotFound(await send(b, 'GET', `/v1/training-jobs/${ids['training-jobs']}/logs`), ids['training-jobs']);
    },
    'GET /v1/training-jobs/{id}/metrics': async () => {
      expectNotFound(await send(b, 'GET', `/v1/training-jobs/${ids['training-jobs']}/metrics`), ids['training-jobs']);
    },
    'POST /v1/training-jobs/{id}/cancel': async () => {
      expectNotFound(await send(b, 'POST', `/v1/training-jobs/${ids['training-jobs']}/cancel`), ids['training-jobs']);
    },
    'DELETE /v1/training-jobs/{id}': async () => {
      expectNotFound(await send(b, 'DELETE', `/v1/training-jobs/${ids['training-jobs']}`), ids['training-jobs']);
    },
    'GET /v1/datasets/{id}/mean': async () => {
      expectNotFound(await send(b, 'GET', `/v1/datasets/${ids.datasets}/mean`), ids.datasets);
      expectNotFound(await send(b, 'GET', `/v1/datasets/${ids.datasets}/mean?split=testing`), ids.datasets);
    },
    'DELETE /v1/datasets/{id}': async () => {
      expectNotFound(await send(b, 'DELETE', `/v1/datasets/${ids.datasets}`), ids.datasets);
    },
    'DELETE /v1/solvers/{id}': async () => {
      expectNotFound(await send(b, 'DELETE', `/v1/solvers/${ids.solvers}`), ids.solvers);
    },
    'GET /v1/training-jobs/{id}/artifacts': async () => {
      expectNotFound(await send(b, 'GET', `/v1/training-jobs/${ids['training-jobs']}/artifacts`), ids['training-jobs']);
    },
    'GET /v1/openapi.json': async () => {
      // Public and the same for everyone: it describes the API, never anyone's data.
      const answer = await send(b, 'GET', '/v1/openapi.json');
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(secret);
      expect(answer.text).not.toContain(A);
    },
    'POST /v1/classifiers': async () => {
      expectNotFound(
        await send(b, 'POST', '/v1/classifiers', { trainingJobId: ids['training-jobs'] }),
        ids['training-jobs'],
      );
    },
    'DELETE /v1/classifiers/{id}': async () => {
      expectNotFound(await send(b, 'DELETE', `/v1/classifiers/${ids.classifiers}`), ids.classifiers);
      expect((await a.request<{ id: string }>('GET', `/v1/classifiers/${ids.classifiers}`)).id).toBe(ids.classifiers);
    },
    'POST /v1/classifiers/{id}/classify-jobs': async () => {
      expectNotFound(
        await send(b, 'POST', `/v1/classifiers/${ids.classifiers}/classify-jobs`, { archive: true }),
        ids.classifiers,
      );
    },
    'GET /v1/classify-jobs/{id}/results': async () => {
      expectNotFound(await send(b, 'GET', `/v1/classify-jobs/${ids['classify-jobs']}/results`), ids['classify-jobs']);
    },
    'POST /v1/classifiers/{id}/classify': async () => {
      const image = PNG.sync
        .write(Object.assign(new PNG({ width: 28, height: 28 }), { data: Buffer.alloc(28 * 28 * 4, 255) }))
        .toString('base64');
      expectNotFound(
        await send(b, 'POST', `/v1/classifiers/${ids.classifiers}/classify`, { images: [{ base64: image }] }),
        ids.classifiers,
      );
    },
    'GET /v1/datasets/{id}/samples': async () => {
      expectNotFound(await send(b, 'GET', `/v1/datasets/${ids.datasets}/samples`), ids.datasets);
    },
    'POST /v1/models': async () => {
      const answer = await send(b, 'POST', '/v1/models', { name: 'bravo-model', trainingJobId: ids['training-jobs'] });
      expectNotFound(answer, ids['training-jobs']);
    },
    'GET /v1/models/{id}/upload': async () => {
      expectNotFound(await send(b, 'GET', `/v1/models/${ids.models}/upload`), ids.models);
    },
    'POST /v1/models/{id}/complete': async () => {
      expectNotFound(await send(b, 'POST', `/v1/models/${ids.models}/complete`), ids.models);
    },
    'DELETE /v1/models/{id}': async () => {
      expectNotFound(await send(b, 'DELETE', `/v1/models/${ids.models}`), ids.models);
      expect((await a.request<{ id: string }>('GET', `/v1/models/${ids.models}`)).id).toBe(ids.models);
    },
    'POST /v1/sweeps': async () => {
      const answer = await send(b, 'POST', '/v1/sweeps', {
        name: 'bravo-sweep',
        solverId: ids.solvers,
        parameters: { base_lr: { values: [0.01] } },
        strategy: 'grid',
        maxParallel: 1,
        objective: { output: 'accuracy', goal: 'maximize' },
      });
      expectNotFound(answer, ids.solvers);
    },
    'GET /v1/sweeps/{id}/trials/{trialId}': async () => {
      expectNotFound(await send(b, 'GET', `/v1/sweeps/${ids.sweeps}/trials/t1`), ids.sweeps);
      const trial = await a.request<{ jobs: unknown[] }>('GET', `/v1/sweeps/${ids.sweeps}/trials/t1`);
      expect(trial.jobs).toHaveLength(1);
    },
    'POST /v1/sweeps/{id}/cancel': async () => {
      expectNotFound(await send(b, 'POST', `/v1/sweeps/${ids.sweeps}/cancel`), ids.sweeps);
    },
    'DELETE /v1/sweeps/{id}': async () => {
      expectNotFound(await send(b, 'DELETE', `/v1/sweeps/${ids.sweeps}`), ids.sweeps);
      expect((await a.request<{ id: string }>('GET', `/v1/sweeps/${ids.sweeps}`)).id).toBe(ids.sweeps);
    },
    // Admin routes hold no tenant data; a tenant that is not an admin is refused outright.
    'GET /v1/admin/queue': async () => {
      const answer = await send(b, 'GET', '/v1/admin/queue');
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({
        status: 403,
        contentType: 'application/problem+json',
      });
      expect(answer.text).not.toContain(A);
    },
    'GET /v1/admin/capacity': async () => {
      const answer = await send(b, 'GET', '/v1/admin/capacity');
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({
        status: 403,
        contentType: 'application/problem+json',
      });
      expect(answer.text).not.toContain(A);
    },
    'PUT /v1/admin/capacity': async () => {
      const answer = await send(b, 'PUT', '/v1/admin/capacity', {
        maxWorkers: 100,
        maxConcurrentJobs: { default: 100 },
      });
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({
        status: 403,
        contentType: 'application/problem+json',
      });
      expect((await readCapacity()).source).toBe('defaults');
    },
    'GET /v1/admin/limits': async () => {
      const answer = await send(b, 'GET', '/v1/admin/limits');
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({
        status: 403,
        contentType: 'application/problem+json',
      });
    },
    'PUT /v1/admin/limits': async () => {
      const body = {
        default: {
          maxDatafileBytes: 1,
          maxArchiveEntries: 1,
          maxUncompressedBytes: 1,
          maxQueuedJobs: 1,
          maxStorageBytes: 1,
        },
        tenants: {},
      };
      const answer = await send(b, 'PUT', '/v1/admin/limits', body);
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({
        status: 403,
        contentType: 'application/problem+json',
      });
      expect((await readLimits()).source).toBe('defaults');
    },
    'DELETE /v1/admin/tenants/{tenantId}': async () => {
      const answer = await send(b, 'DELETE', `/v1/admin/tenants/${A}`);
      expect({ status: answer.status, contentType: answer.contentType }).toEqual({
        status: 403,
        contentType: 'application/problem+json',
      });
      // Nothing of A's was deleted.
      expect(await a.request<{ id: string }>('GET', `/v1/datafiles/${ids.datafiles}`)).toMatchObject({
        id: ids.datafiles,
      });
    },
  };
  for (const collection of collections) {
    cases[`GET /v1/${collection}`] = async () => {
      const answer = await send(b, 'GET', `/v1/${collection}`);
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(secret);
      const items = (answer.body as { items: Array<{ id: string }> }).items;
      expect(items.map((r) => r.id)).not.toContain(ids[collection]);
      // Only the datafile B registered itself (in the POST case) may be there.
      if (collection !== 'datafiles') expect(items).toEqual([]);
    };
    cases[`GET /v1/${collection}/{id}`] = async () => {
      expectNotFound(await send(b, 'GET', `/v1/${collection}/${ids[collection]}`), ids[collection]);
    };
  }

  function expectNotFound(answer: Answer, id: string): void {
    expect({ status: answer.status, text: answer.text }).toEqual({ status: 404, text: expect.any(String) });
    expect(answer.contentType).toBe('application/problem+json');
    expect(answer.text).not.toContain(secret);
    expect(answer.text).not.toContain(A);
    // Indistinguishable from an id that never existed: the answer names only what B sent.
    expect((answer.body as { detail: string }).detail).toMatch(new RegExp(`${id} does not exist$`));
  }

  it('the cases cover exactly the route table', () => {
    expect(Object.keys(cases).sort()).toEqual(routes.map(routeKey).sort());
  });

  it.each(routes.map((r) => [routeKey(r)]))('%s', async (key) => {
    await cases[key]!();
  });

  it("B's attempts created nothing for B beyond its own datafile, and changed nothing of A's", async () => {
    const bDatafiles = await b.request<{ items: Array<{ name: string }> }>('GET', '/v1/datafiles');
    expect(bDatafiles.items.map((d) => d.name)).toEqual(['bravo-datafile']);
    for (const collection of ['datasets', 'solvers', 'training-jobs'] as const)
      expect((await b.request<{ items: unknown[] }>('GET', `/v1/${collection}`)).items).toEqual([]);
    for (const collection of collections) {
      const list = await a.request<{ items: Array<{ id: string }> }>('GET', `/v1/${collection}`);
      expect(list.items.map((r) => r.id).sort()).toEqual(owned(collection));
    }
  });

  it("B cannot use A's list cursor to see A's records", async () => {
    // A cursor only names a position; it is always read inside the caller's own partition.
    for (let i = 0; i < 2; i++)
      await a.request('POST', '/v1/datafiles', { name: `${secret}-extra-${i}`, format: 'image-folders' });
    const page = await a.request<{ items: unknown[]; nextCursor: string | null }>('GET', '/v1/datafiles?limit=1');
    expect(page.nextCursor).toEqual(expect.any(String));
    const answer = await send(b, 'GET', `/v1/datafiles?limit=10&cursor=${encodeURIComponent(page.nextCursor!)}`);
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain(secret);
    // B's own datafile is older than the position A's cursor names, so B's page holds just it.
    expect((answer.body as { items: Array<{ name: string }> }).items.map((d) => d.name)).toEqual(['bravo-datafile']);
  });
});

describe('pagination', () => {
  const tenant = 'tenant-pages';
  let api: ElasticCaffeClient;
  const created: string[] = [];

  beforeAll(async () => {
    api = await tc.as(tenant);
    for (let i = 0; i < 5; i++)
      created.push(
        (await api.request<{ id: string }>('POST', '/v1/datafiles', { name: `page-${i}`, format: 'image-folders' })).id,
      );
  });

  it('limit=2 walks 2 + 2 + 1, newest first, no duplicates, all 5', async () => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await api.request(
        'GET',
        `/v1/datafiles${query}`,
      );
      pages.push(page.items.map((d) => d.id));
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThanOrEqual(5);
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(5);
    expect(all).toEqual([...created].reverse());
  });

  it('without a limit, one page holds all 5 and there is no next cursor', async () => {
    const page = await api.request<{ items: Array<{ id: string }>; nextCursor: string | null }>('GET', '/v1/datafiles');
    expect(page.items.map((d) => d.id)).toEqual([...created].reverse());
    expect(page.nextCursor).toBeNull();
  });

  it('a cursor from another collection → 400', async () => {
    const page = await api.request<{ nextCursor: string }>('GET', '/v1/datafiles?limit=2');
    const answer = await send(api, 'GET', `/v1/datasets?cursor=${encodeURIComponent(page.nextCursor)}`);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe('application/problem+json');
    expect((answer.body as { detail: string }).detail).toMatch(/cursor .* is not valid for datasets/);
  });

  it('a made-up cursor → 400', async () => {
    const answer = await send(
      api,
      'GET',
      `/v1/datafiles?cursor=${Buffer.from('something-else').toString('base64url')}`,
    );
    expect(answer.status).toBe(400);
  });
});
