/**
 * The local Batch emulator driven by the real @aws-sdk/client-batch. Jobs run a small Node script as their "image",
 * steered per job by environment overrides. No assertion depends on wall-clock durations: tests wait for events with
 * generous limits.
 */
import {
  BatchClient,
  CancelJobCommand,
  ClientException,
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  DeregisterJobDefinitionCommand,
  DescribeJobDefinitionsCommand,
  DescribeJobsCommand,
  ListJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TerminateJobCommand,
  UpdateComputeEnvironmentCommand,
  type ContainerOverrides,
  type JobDetail,
  type RetryStrategy,
} from '@aws-sdk/client-batch';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBatchEmulator, type BatchEmulator, type BatchStateChangeEvent } from '../../local/batch';

jest.setTimeout(60_000);

/** The test image: behaviour comes from env (per-attempt variants `X_<attempt>` win). */
const imageScript =
  `
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const env = process.env;
const attempt = env.AWS_BATCH_JOB_ATTEMPT;
const pick = (name) => env[name + '_' + attempt] ?? env[name];
if (env.TERM_FILE) process.on('SIGTERM', () => { fs.appendFileSync(env.TERM_FILE, 'SIGTERM\\n'); ` +
  `if (!env.IGNORE_TERM) process.exit(143); });
if (env.WRITE_FILE) fs.writeFileSync(env.WRITE_FILE, JSON.stringify({ argv: process.argv.slice(2), env }));
if (env.PID_FILE) {
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  fs.writeFileSync(env.PID_FILE + '.tmp', JSON.stringify({ pid: process.pid, grandchild: grandchild.pid }));
  fs.renameSync(env.PID_FILE + '.tmp', env.PID_FILE); // never seen half-written
}
console.log('hello from attempt ' + attempt);
console.error('to stderr');
setTimeout(() => process.exit(Number(pick('EXIT_CODE') ?? 0)), Number(pick('SLEEP_MS') ?? 0));
`;

const dir = mkdtempSync(join(tmpdir(), 'batch-emulator-test-'));
const logDir = join(dir, 'logs');
const events: BatchStateChangeEvent[] = [];
const echoed: string[] = [];
let emulator: BatchEmulator;
let batch: BatchClient;

/** Polls `probe` until it returns something other than undefined or false. */
async function waitUntil<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = probe();
  while (value === undefined || value === false) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = probe();
  }
  return value;
}

const eventsOf = (jobId: string) => events.filter((e) => e.detail.jobId === jobId);
const statusesOf = (jobId: string) => eventsOf(jobId).map((e) => e.detail.status);
/** Resolves with the job's detail from its first event in one of `statuses`. */
const waitForStatus = (jobId: string, ...statuses: string[]): Promise<JobDetail> =>
  waitUntil(
    `${jobId} to reach ${statuses.join('|')}`,
    () => eventsOf(jobId).find((e) => statuses.includes(e.detail.status ?? ''))?.detail,
  );
const waitForEnd = (jobId: string) => waitForStatus(jobId, 'SUCCEEDED', 'FAILED');

interface SubmitExtras {
  name?: string;
  definition?: string;
  retryStrategy?: RetryStrategy;
  timeout?: number;
  overrides?: ContainerOverrides;
  parameters?: Record<string, string>;
}
/** Submits a test job whose image behaviour is set by `env`; resolves with its ID. */
async function submit(queue: string, env: Record<string, string>, x: SubmitExtras = {}): Promise<string> {
  const containerOverrides = {
    ...x.overrides,
    environment: Object.entries(env).map(([name, value]) => ({ name, value })),
  };
  const timeout = x.timeout === undefined ? undefined : { attemptDurationSeconds: x.timeout };
  const { name = 'test-job', definition = 'test-def', parameters, retryStrategy } = x;
  return (
    (
      await batch.send(
        new SubmitJobCommand({
          jobName: name,
          jobQueue: queue,
          jobDefinition: definition,
          parameters,
          retryStrategy,
          timeout,
          containerOverrides,
        }),
      )
    ).jobId ?? ''
  );
}

const describeJob = async (jobId: string) => (await batch.send(new DescribeJobsCommand({ jobs: [jobId] }))).jobs?.[0];

/** Waits for the test image to write its PID file (its SIGTERM handler is installed by then). */
const waitForPids = (file: string) =>
  waitUntil('the child to start', () =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number; grandchild: number }) : undefined,
  );

/** Whether a process exists and is not a zombie (an orphan may wait for a reaper that never comes in a container). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !existsSync(`/proc/${pid}/stat`) || readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false; // ESRCH, or the process vanished between the two checks
  }
}

beforeAll(async () => {
  const scriptPath = join(dir, 'image.js');
  writeFileSync(scriptPath, imageScript);
  emulator = await startBatchEmulator({
    port: 0,
    images: { 'test-image': [process.execPath, scriptPath], 'broken-image': [join(dir, 'no-such-binary')] },
    baseEnv: { BASE_VAR: 'from-base-env' },
    logDir,
    terminateGraceMs: 500,
    echo: (jobId, line) => echoed.push(`${jobId} ${line}`),
    onEvent: (event) => {
      events.push(event);
      if (event.detail.jobName === 'throwing-consumer') throw new Error('consumer failed');
    },
  });
  batch = new BatchClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  for (const [name, maxvCpus] of [
    ['two', 2],
    ['wide', 16],
    ['tiny', 1],
  ] as const) {
    const computeResources = { type: 'EC2' as const, maxvCpus, subnets: ['subnet-local'], instanceRole: 'local' };
    await batch.send(
      new CreateComputeEnvironmentCommand({ computeEnvironmentName: `ce-${name}`, type: 'MANAGED', computeResources }),
    );
    await batch.send(
      new CreateJobQueueCommand({
        jobQueueName: `q-${name}`,
        priority: 1,
        computeEnvironmentOrder: [{ order: 1, computeEnvironment: `ce-${name}` }],
      }),
    );
  }
  const containerProperties = {
    image: 'test-image',
    command: ['Ref::action', 'Ref::tenantId', 'literal'],
    environment: [
      { name: 'FROM_DEF', value: 'def' },
      { name: 'OVERRIDDEN', value: 'def' },
    ],
    resourceRequirements: [
      { type: 'VCPU' as const, value: '1' },
      { type: 'MEMORY' as const, value: '128' },
    ],
  };
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'test-def',
      type: 'container',
      parameters: { action: 'train', tenantId: 'none' },
      containerProperties,
    }),
  );
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  batch?.destroy();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('runs at most maxvCpus worth of jobs at once and emits every state in order', async () => {
  const ids = await Promise.all([1, 2, 3, 4].map((n) => submit('q-two', { SLEEP_MS: '300' }, { name: `conc-${n}` })));
  await Promise.all(ids.map(waitForEnd));
  // Replay the events in delivery order: STARTING and RUNNING jobs hold the CE's vCPUs.
  const holding = new Set<string | undefined>();
  let maxHolding = 0;
  for (const { detail } of events.filter((e) => ids.includes(e.detail.jobId ?? ''))) {
    if (detail.status === 'STARTING' || detail.status === 'RUNNING') holding.add(detail.jobId);
    else holding.delete(detail.jobId);
    maxHolding = Math.max(maxHolding, holding.size);
  }
  expect(maxHolding).toBe(2);
  for (const id of ids) expect(statusesOf(id)).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);

  const first = await batch.send(new ListJobsCommand({ jobQueue: 'q-two', jobStatus: 'SUCCEEDED', maxResults: 3 }));
  const second = await batch.send(
    new ListJobsCommand({ jobQueue: 'q-two', jobStatus: 'SUCCEEDED', maxResults: 3, nextToken: first.nextToken }),
  );
  expect(second.nextToken).toBeUndefined();
  expect([...(first.jobSummaryList ?? []), ...(second.jobSummaryList ?? [])].map((j) => j.jobId).sort()).toEqual(
    [...ids].sort(),
  );
  expect(
    (await batch.send(new ListJobsCommand({ jobQueue: 'q-two', filters: [{ name: 'JOB_NAME', values: ['CONC-*'] }] })))
      .jobSummaryList,
  ).toHaveLength(4);
  expect((await batch.send(new ListJobsCommand({ jobQueue: 'q-two', jobStatus: 'RUNNABLE' }))).jobSummaryList).toEqual(
    [],
  );
});

test('events are EventBridge-shaped and carry what DescribeJobs returns', async () => {
  const jobId = await submit('q-wide', {});
  const last = await waitForEnd(jobId);
  const event = eventsOf(jobId).at(-1);
  const resources = [`arn:aws:batch:us-east-1:000000000000:job/${jobId}`];
  expect(event).toMatchObject({
    version: '0',
    'detail-type': 'Batch Job State Change',
    source: 'aws.batch',
    account: '000000000000',
    region: 'us-east-1',
    resources,
  });
  expect(new Date(event?.time ?? '').toISOString()).toBe(event?.time);
  expect(await describeJob(jobId)).toEqual(last);
  expect(last).toMatchObject({
    status: 'SUCCEEDED',
    jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/q-wide',
    jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/test-def:1',
  });
  expect(last.stoppedAt).toBeGreaterThanOrEqual(last.startedAt ?? Number.POSITIVE_INFINITY);
  expect(last.startedAt).toBeGreaterThanOrEqual(last.createdAt ?? Number.POSITIVE_INFINITY);
});

test('substitutes Ref:: parameters and layers the environment; output reaches the log and echo', async () => {
  const file = join(dir, 'ref-env.json');
  const jobId = await submit(
    'q-wide',
    { WRITE_FILE: file, OVERRIDDEN: 'override' },
    { parameters: { tenantId: 't-1' } },
  );
  const detail = await waitForEnd(jobId);
  const seen = JSON.parse(readFileSync(file, 'utf8')) as { argv: string[]; env: Record<string, string> };
  expect(seen.argv).toEqual(['train', 't-1', 'literal']); // definition default, submit parameter, literal
  expect(seen.env).toMatchObject({ BASE_VAR: 'from-base-env', FROM_DEF: 'def', OVERRIDDEN: 'override' });
  expect(seen.env).toMatchObject({
    AWS_BATCH_JOB_ID: jobId,
    AWS_BATCH_JOB_ATTEMPT: '1',
    AWS_BATCH_JQ_NAME: 'q-wide',
    AWS_BATCH_CE_NAME: 'ce-wide',
  });
  expect(detail).toMatchObject({
    status: 'SUCCEEDED',
    container: { command: ['train', 't-1', 'literal'] },
    parameters: { action: 'train', tenantId: 't-1' },
  });
  // The emulator's baseEnv stands for a task role: it must not leak into DescribeJobs or events.
  expect(detail.container?.environment?.map((e) => e.name)).not.toContain('BASE_VAR');
  const log = readFileSync(join(logDir, `${jobId}-1.log`), 'utf8');
  expect(log).toContain('hello from attempt 1');
  expect(log).toContain('to stderr');
  expect(echoed).toContain(`${jobId} hello from attempt 1`);
});

test("passes the host's OpenBLAS/OpenMP tuning to each attempt, and no other host variable", async () => {
  const file = join(dir, 'tuning-env.json');
  const host = { OPENBLAS_CORETYPE: 'Haswell', OMP_NUM_THREADS: '2', UNRELATED_HOST_VAR: 'secret' };
  const saved = Object.fromEntries(Object.keys(host).map((name) => [name, process.env[name]]));
  Object.assign(process.env, host);
  try {
    // The job's own variable wins over the host's, as a job definition's does on AWS.
    const jobId = await submit('q-wide', { WRITE_FILE: file, OMP_NUM_THREADS: '1' });
    expect(await waitForEnd(jobId)).toMatchObject({ status: 'SUCCEEDED' });
  } finally {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  }
  const seen = JSON.parse(readFileSync(file, 'utf8')) as { env: Record<string, string> };
  expect(seen.env).toMatchObject({ OPENBLAS_CORETYPE: 'Haswell', OMP_NUM_THREADS: '1' });
  expect(seen.env).not.toHaveProperty('UNRELATED_HOST_VAR');
});

test('evaluateOnExit EXIT on exit code 3 fails after one attempt', async () => {
  const retryStrategy = { attempts: 3, evaluateOnExit: [{ onExitCode: '3', action: 'EXIT' as const }] };
  const jobId = await submit('q-wide', { EXIT_CODE: '3' }, { retryStrategy });
  // toMatchObject compares array lengths too: exactly one attempt.
  expect(await waitForEnd(jobId)).toMatchObject({
    status: 'FAILED',
    attempts: [{ container: { exitCode: 3 } }],
    container: { exitCode: 3 },
  });
});

test('a failing job is retried up to retryStrategy.attempts', async () => {
  const jobId = await submit('q-wide', { EXIT_CODE: '1' }, { retryStrategy: { attempts: 3 } });
  const detail = await waitForEnd(jobId);
  expect(detail).toMatchObject({
    status: 'FAILED',
    attempts: [1, 1, 1].map((exitCode) => ({ container: { exitCode } })),
  });
  expect(statusesOf(jobId).filter((s) => s === 'RUNNABLE')).toHaveLength(3);
  expect(existsSync(join(logDir, `${jobId}-3.log`))).toBe(true);
});

test('a host interruption fails the attempt as host-terminated and the retry succeeds', async () => {
  const retryStrategy = {
    attempts: 2,
    evaluateOnExit: [
      { onStatusReason: 'Host EC2*', action: 'RETRY' as const },
      { onExitCode: '*', action: 'EXIT' as const },
    ],
  };
  const jobId = await submit('q-wide', { SLEEP_MS_1: '60000' }, { retryStrategy });
  await waitForStatus(jobId, 'RUNNING');
  emulator.simulateHostInterruption(jobId);
  const detail = await waitForEnd(jobId);
  expect(detail).toMatchObject({
    status: 'SUCCEEDED',
    attempts: [{ statusReason: expect.stringMatching(/^Host EC2/), container: { exitCode: 143 } }, {}],
  });
  expect(() => emulator.simulateHostInterruption(jobId)).toThrow(/SUCCEEDED/);
});

test(
  'signalJobProcess kills the main process like a crash or the OOM ' +
    'killer: exit 137, the group goes, and the retry strategy retries',
  async () => {
    const pidFile = join(dir, 'kill-pids.json');
    const jobId = await submit(
      'q-wide',
      { SLEEP_MS_1: '60000', PID_FILE: pidFile },
      { retryStrategy: { attempts: 2, evaluateOnExit: [{ onExitCode: '3', action: 'EXIT' }] } },
    );
    const pids = await waitForPids(pidFile);
    emulator.signalJobProcess(jobId);
    const detail = await waitForEnd(jobId);
    expect(detail).toMatchObject({
      status: 'SUCCEEDED',
      attempts: [
        { statusReason: 'Essential container in task exited', container: { exitCode: 137 } },
        { container: { exitCode: 0 } },
      ],
    });
    await waitUntil('the process group to be gone', () => !isAlive(pids.pid) && !isAlive(pids.grandchild), 10_000);
    expect(() => emulator.signalJobProcess(jobId)).toThrow(/SUCCEEDED/);
  },
);

test(
  'TerminateJob sends SIGTERM to the main process (as docker stop does), ' +
    'then SIGKILL to the whole group after the grace, and does not retry',
  async () => {
    const termFile = join(dir, 'term.txt');
    const pidFile = join(dir, 'pids.json');
    const jobId = await submit(
      'q-wide',
      { SLEEP_MS: '60000', TERM_FILE: termFile, IGNORE_TERM: '1', PID_FILE: pidFile },
      { retryStrategy: { attempts: 3 } },
    );
    const pids = await waitForPids(pidFile);
    await batch.send(new TerminateJobCommand({ jobId, reason: 'stopped by the test' }));
    const detail = await waitForEnd(jobId);
    expect(detail).toMatchObject({
      status: 'FAILED',
      statusReason: 'stopped by the test',
      isTerminated: true,
      attempts: [{ container: { exitCode: 137 } }],
    });
    expect(readFileSync(termFile, 'utf8')).toBe('SIGTERM\n');
    await waitUntil('the process group to be gone', () => !isAlive(pids.pid) && !isAlive(pids.grandchild), 10_000);
  },
);

test('an attempt over its timeout is stopped and, as AWS documents, not retried', async () => {
  const jobId = await submit('q-wide', { SLEEP_MS: '60000' }, { timeout: 1, retryStrategy: { attempts: 3 } });
  const reason = 'Job attempt duration exceeded timeout';
  expect(await waitForEnd(jobId)).toMatchObject({
    status: 'FAILED',
    statusReason: reason,
    attempts: [{ statusReason: reason, container: { exitCode: 143 } }],
  });
});

test('jobs wait RUNNABLE for capacity; CancelJob fails a waiting job; raising maxvCpus starts the rest', async () => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined); // "stays RUNNABLE" is expected here
  const overrides = { resourceRequirements: [{ type: 'VCPU' as const, value: '2' }] };
  const cancelled = await submit('q-tiny', {}, { overrides });
  const waiting = await submit('q-tiny', {}, { overrides });
  await Promise.all([waitForStatus(cancelled, 'RUNNABLE'), waitForStatus(waiting, 'RUNNABLE')]);
  const runnable = await batch.send(new ListJobsCommand({ jobQueue: 'q-tiny', jobStatus: 'RUNNABLE' }));
  expect(runnable.jobSummaryList?.map((j) => j.jobId).sort()).toEqual([cancelled, waiting].sort());
  await batch.send(new CancelJobCommand({ jobId: cancelled, reason: 'not needed' }));
  expect(await describeJob(cancelled)).toMatchObject({
    status: 'FAILED',
    statusReason: 'not needed',
    isCancelled: true,
  });
  await batch.send(
    new UpdateComputeEnvironmentCommand({ computeEnvironment: 'ce-tiny', computeResources: { maxvCpus: 2 } }),
  );
  expect((await waitForEnd(waiting)).status).toBe('SUCCEEDED');
  expect(statusesOf(cancelled)).toEqual(['SUBMITTED', 'RUNNABLE', 'FAILED']);
  // Cancelling a finished job is accepted and changes nothing.
  await batch.send(new CancelJobCommand({ jobId: waiting, reason: 'too late' }));
  expect((await describeJob(waiting))?.status).toBe('SUCCEEDED');
});

test('dependsOn holds a job PENDING until its dependency succeeds', async () => {
  const first = await submit('q-wide', { SLEEP_MS: '200' });
  const { jobId: second } = await batch.send(
    new SubmitJobCommand({
      jobName: 'after',
      jobQueue: 'q-wide',
      jobDefinition: 'test-def',
      dependsOn: [{ jobId: first }],
    }),
  );
  const detail = await waitForEnd(second ?? '');
  expect(detail.status).toBe('SUCCEEDED');
  expect(statusesOf(second ?? '').slice(0, 3)).toEqual(['SUBMITTED', 'PENDING', 'RUNNABLE']);
  expect(eventsOf(first).at(-1)?.detail.status).toBe('SUCCEEDED');
});

test('job definition revisions resolve by name, name:revision and ARN', async () => {
  const register = () =>
    batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: 'revved',
        type: 'container',
        containerProperties: { image: 'test-image', vcpus: 1, memory: 64 },
      }),
    );
  const [r1, r2] = [await register(), await register()];
  expect([r1.revision, r2.revision]).toEqual([1, 2]);
  expect(
    (await batch.send(new DescribeJobDefinitionsCommand({ jobDefinitionName: 'revved' }))).jobDefinitions?.map(
      (d) => d.revision,
    ),
  ).toEqual([1, 2]);
  const definitionOf = async (definition: string) =>
    (await describeJob(await submit('q-wide', {}, { definition })))?.jobDefinition;
  expect(await definitionOf('revved')).toBe(r2.jobDefinitionArn);
  expect(await definitionOf('revved:1')).toBe(r1.jobDefinitionArn);
  expect(await definitionOf(r1.jobDefinitionArn ?? '')).toBe(r1.jobDefinitionArn);
  await batch.send(new DeregisterJobDefinitionCommand({ jobDefinition: 'revved:2' }));
  expect(await definitionOf('revved')).toBe(r1.jobDefinitionArn);
});

test('errors come back as ClientException with a message', async () => {
  const unknownDefinition = batch.send(
    new SubmitJobCommand({ jobName: 'x', jobQueue: 'q-wide', jobDefinition: 'no-such-def' }),
  );
  await expect(unknownDefinition).rejects.toBeInstanceOf(ClientException);
  await expect(unknownDefinition).rejects.toMatchObject({
    name: 'ClientException',
    message: 'Job definition no-such-def does not exist',
    $metadata: { httpStatusCode: 400 },
  });
  await expect(
    batch.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'no-such-queue', jobDefinition: 'test-def' })),
  ).rejects.toMatchObject({ name: 'ClientException' });
  await expect(batch.send(new TerminateJobCommand({ jobId: 'nope', reason: 'r' }))).rejects.toMatchObject({
    name: 'ClientException',
  });
  const badRetries = new RegisterJobDefinitionCommand({
    jobDefinitionName: 'bad',
    type: 'container',
    containerProperties: { image: 'i', vcpus: 1 },
    retryStrategy: { attempts: 11 },
  });
  await expect(batch.send(badRetries)).rejects.toMatchObject({ name: 'ClientException' });
  expect((await batch.send(new DescribeJobsCommand({ jobs: ['unknown-id'] }))).jobs).toEqual([]);
});

test('an image that cannot start, or is unknown, fails its attempts with the container error', async () => {
  const register = (jobDefinitionName: string, image: string) =>
    batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName,
        type: 'container',
        containerProperties: { image, vcpus: 1, memory: 64 },
      }),
    );
  await register('broken', '123456789012.dkr.ecr.us-east-1.amazonaws.com/broken-image:latest');
  await register('unknown', 'no-such-image');
  const broken = await waitForEnd(await submit('q-wide', {}, { definition: 'broken', retryStrategy: { attempts: 2 } }));
  expect(broken).toMatchObject({ status: 'FAILED', statusReason: 'Task failed to start' });
  expect(broken.attempts?.map((a) => a.container?.reason)).toEqual([
    expect.stringMatching(/^CannotStartContainerError: .*ENOENT/),
    expect.stringMatching(/^CannotStartContainerError/),
  ]);
  const unknown = await waitForEnd(await submit('q-wide', {}, { definition: 'unknown' }));
  expect(unknown.container?.reason).toMatch(/^CannotPullContainerError/);
});

test('a throwing onEvent is logged and does not stop the job or later events', async () => {
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const jobId = await submit('q-wide', {}, { name: 'throwing-consumer' });
  await waitForEnd(jobId);
  expect(statusesOf(jobId)).toEqual(['SUBMITTED', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED']);
  expect(error).toHaveBeenCalled();
});

test('close() kills running jobs', async () => {
  const pidFile = join(dir, 'close-pids.json');
  const jobId = await submit('q-wide', { SLEEP_MS: '60000', PID_FILE: pidFile });
  const pids = await waitForPids(pidFile);
  expect(emulator.jobs().find((j) => j.jobId === jobId)?.status).toBe('RUNNING');
  await emulator.close();
  await waitUntil('the process group to be gone', () => !isAlive(pids.pid) && !isAlive(pids.grandchild), 10_000);
});
