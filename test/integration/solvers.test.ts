/**
 * POST /v1/solvers through the HTTP API: Caffe-schema problems and untrusted fields answer 400
 * problem+json with line and column and store nothing; V1 nets and every solver type are accepted.
 */
import { ApiError, type ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

let tc: TestCloud;
let api: ElasticCaffeClient;
let datasetId: string;

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-solvers');
  ({ datasetId } = await tinyDataset(api, { images: 20, trainingSplit: 0.5 }));
});
afterAll(async () => tc?.stop());

async function rejection(solver: string, net: string): Promise<ApiError> {
  const error = await api
    .request('POST', '/v1/solvers', { name: 'bad', datasetId, solver, net })
    .catch((e: unknown) => e);
  if (!(error instanceof ApiError)) throw new Error(`expected a rejection, got ${JSON.stringify(error)}`);
  return error;
}

test('schema problems answer 400 with every located error, and no solver is stored', async () => {
  const net = tinyNet()
    .replace('inner_product_param { num_output: 10', 'inner_product_param { num_outputs: 10')
    .replace('type: "Accuracy"', 'type: "Acuracy"');
  const error = await rejection(`${tinySolver()}solver_mode: TPU\n`, net);
  expect(error.status).toBe(400);
  expect(error.body).toMatchObject({
    status: 400,
    detail: expect.stringContaining('the prototxt is not valid'),
    errors: [
      { field: 'solver', line: 9, column: 1, message: 'solver_mode must be one of CPU, GPU (unquoted), got "TPU"' },
      {
        field: 'net',
        line: 25,
        column: 25,
        message: 'unknown field "num_outputs" in InnerProductParameter (did you mean "num_output"?)',
      },
      {
        field: 'net',
        line: 29,
        column: 3,
        message: expect.stringMatching(/^unknown layer type "Acuracy"; Caffe 1.0 knows /),
      },
    ],
  });
  expect((await api.request<{ items: unknown[] }>('GET', '/v1/solvers')).items).toEqual([]);
});

test('a Python layer answers 400 saying why', async () => {
  const error = await rejection(tinySolver(), tinyNet('layer { name: "py" type: "Python" bottom: "ip" top: "ip2" }\n'));
  expect(error.status).toBe(400);
  expect((error.body as { errors: unknown[] }).errors).toEqual([
    { field: 'net', line: 27, column: 1, message: expect.stringContaining('Python layers run arbitrary code') },
  ]);
});

test('V1 nets and the newer solver types are accepted', async () => {
  const v1 =
    'layers { name: "d" type: DATA top: "data" top: "label" include { phase: ' +
    'TRAIN } data_param { source: "x" batch_size: 8 backend: LEVELDB } }\n' +
    'layers { name: "ip" type: INNER_PRODUCT bottom: "data" top: ' +
    '"ip" blobs_lr: 1 inner_product_param { num_output: 10 } }\n' +
    'layers { name: "loss" type: SOFTMAX_LOSS bottom: "ip" bottom: "label" }\n';
  const created = await api.request<{ solverType: string; maxIterations: number }>('POST', '/v1/solvers', {
    name: 'v1',
    datasetId,
    solver: `${tinySolver(30)}type: "RMSProp"\nrms_decay: 0.9\n`,
    net: v1,
  });
  expect(created).toMatchObject({ solverType: 'RMSProp', maxIterations: 30 });
});
