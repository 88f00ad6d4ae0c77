/**
 * Idempotency-Key on the routes that create something, through the HTTP API of a real local cloud
 * (Powertools' idempotency utility on dynalite): a retry returns the first answer and creates
 * nothing more; another body with the same key is 422; a duplicate while the first runs is 409.
 */
import type { Context } from 'aws-lambda';
import type { ElasticCaffeClient } from '../support/client';
import { lambdaContext } from '../../local/lambda-context';
import { ConflictError } from '../../core/errors';
import { withIdempotency } from '../../lambdas/shared/idempotency';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { rawCall } from '../support/raw-call';

jest.setTimeout(2 * 60_000);

let tc: TestCloud;
let alice: ElasticCaffeClient;
let bob: ElasticCaffeClient;

beforeAll(async () => {
  tc = await startTestCloud();
  alice = await tc.as('idem-alice');
  bob = await tc.as('idem-bob');
});

afterAll(async () => {
  await tc?.stop();
});

const datafileNames = async (api: ElasticCaffeClient) =>
  (await api.request<{ items: Array<{ name: string }> }>('GET', '/v1/datafiles')).items.map((d) => d.name);

describe('a retried POST with the same Idempotency-Key', () => {
  const body = { name: 'retried', format: 'image-folders' };
  const key = { 'idempotency-key': 'retry-1' };

  it('answers the first answer again, marked replayed, and creates one datafile', async () => {
    const first = await rawCall(alice, 'POST', '/v1/datafiles', { body, headers: key });
    const second = await rawCall(alice, 'POST', '/v1/datafiles', { body, headers: key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await datafileNames(alice)).toEqual(['retried']);
  });

  it('with the same body in another key order is still the same request', async () => {
    const reordered = await rawCall(alice, 'POST', '/v1/datafiles', {
      body: { format: 'image-folders', name: 'retried' },
      headers: key,
    });
    expect(reordered.status).toBe(201);
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
  });

  it('with a different body → 422 problem, and nothing is created', async () => {
    const other = await rawCall(alice, 'POST', '/v1/datafiles', {
      body: { ...body, name: 'something else' },
      headers: key,
    });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    expect(other.body.detail).toMatch(/Idempotency-Key "retry-1" was already used with a different request body/);
    expect(await datafileNames(alice)).toEqual(['retried']);
  });

  it("from another tenant is that tenant's own key: it creates the other tenant's datafile", async () => {
    const bobs = await rawCall(bob, 'POST', '/v1/datafiles', { body, headers: key });
    expect(bobs.status).toBe(201);
    expect(bobs.headers.get('idempotent-replayed')).toBeNull();
    expect(await datafileNames(bob)).toEqual(['retried']);
    expect(await datafileNames(alice)).toEqual(['retried']);
  });

  it('on another route is another request', async () => {
    const answer = await rawCall(alice, 'POST', '/v1/solvers', {
      body: { name: 's', datasetId: 'ds_missing', solver: 'x', net: 'y' },
      headers: key,
    });
    expect(answer.status).toBe(404);
  });
});

describe('requests that are not remembered', () => {
  it('a failed request runs again on retry (a 404 is not replayed)', async () => {
    const body = {
      name: 'nope',
      training: { datafileId: 'df_missing', splitPercentage: 0.8 },
      testing: { datafileId: 'df_missing', splitPercentage: 0.2 },
    };
    const headers = { 'idempotency-key': 'fails' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await rawCall(alice, 'POST', '/v1/datasets', { body, headers });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('idempotent-replayed')).toBeNull();
    }
  });

  it('without the header, two POSTs create two datafiles', async () => {
    const carol = await tc.as('idem-carol');
    for (let i = 0; i < 2; i++)
      expect(
        (await rawCall(carol, 'POST', '/v1/datafiles', { body: { name: 'twice', format: 'image-folders' } })).status,
      ).toBe(201);
    expect(await datafileNames(carol)).toEqual(['twice', 'twice']);
  });

  it('a key longer than 255 characters → 400 naming the header', async () => {
    const answer = await rawCall(alice, 'POST', '/v1/datafiles', {
      body: { name: 'long', format: 'image-folders' },
      headers: { 'idempotency-key': 'k'.repeat(256) },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }]);
  });
});

describe('concurrent duplicates', () => {
  it('one runs; the other, arriving while it runs, is 409 "in progress"', async () => {
    const request = {
      route: { idempotent: true },
      routeKey: 'POST /v1/solvers',
      tenantId: 'idem-dave',
      headers: { 'idempotency-key': 'race' },
      body: { name: 'r' },
    };
    const context: Context = lambdaContext('PostSolvers');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const work = async () => {
      runs++;
      await gate;
      return { statusCode: 201, headers: {}, body: '{"id":"sv_race"}' };
    };
    const first = withIdempotency(request, context, work);
    // The first request's in-progress mark is written before its work starts.
    while (runs === 0) await new Promise((resolve) => setImmediate(resolve));
    await expect(withIdempotency(request, context, work)).rejects.toThrow(ConflictError);
    release();
    await expect(first).resolves.toMatchObject({ statusCode: 201, body: '{"id":"sv_race"}' });
    // Once it finished, the duplicate gets its answer.
    await expect(withIdempotency(request, context, work)).resolves.toMatchObject({
      statusCode: 201,
      headers: { 'idempotent-replayed': 'true' },
    });
    expect(runs).toBe(1);
  });
});
