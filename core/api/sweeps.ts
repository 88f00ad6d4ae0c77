/** The sweeps API: hyperparameter searches over a solver, each trial trained by ordinary training jobs. */
import { z } from 'zod';
import { recordIdSchema } from '../ids';
import { sweepStatuses } from '../records/types';
import type { Route } from '../route';
import { name, problem, quotaExceeded, recordViewFields } from './common';
import { readRoutes } from './read-routes';
import { metricsView, resourcesSchema } from './training-jobs';
import { resourcesView, usageTotalView } from './views';

/** The most trials one sweep runs (each is at least one training job). */
export const maxTrialsPerSweep = 100;

const range = z.tuple([z.number(), z.number()]);
const parameterValue = z.union([z.number(), z.string().max(200), z.boolean()]);
const parameterSpec = z.union([
  z.strictObject({ values: z.array(parameterValue).min(1).max(100) }),
  z.strictObject({ uniform: range }),
  z.strictObject({ logUniform: range }),
  z.strictObject({ intUniform: z.tuple([z.number().int(), z.number().int()]) }),
]);

export const createSweepBody = z
  .strictObject({
    name,
    solverId: recordIdSchema,
    parameters: z
      .record(z.string().min(1).max(200), parameterSpec)
      .refine((parameters) => Object.keys(parameters).length >= 1 && Object.keys(parameters).length <= 10, {
        message: 'give 1 to 10 parameters',
      })
      .meta({
        description:
          'solver fields by name (`base_lr`) or net fields by a path naming the layer ' +
          '(`layer[conv1].convolution_param.num_output`), each `{values}`, `{uniform}`, `{logUniform}` or ' +
          '`{intUniform}`',
      }),
    strategy: z.enum(['grid', 'random', 'asha']),
    maxTrials: z
      .number()
      .int()
      .min(1)
      .max(maxTrialsPerSweep)
      .optional()
      .meta({ description: 'trials to run (grid: default and at most the grid size; required otherwise)' }),
    maxParallel: z.number().int().min(1).max(20).default(2),
    objective: z.strictObject({
      output: z.string().min(1).max(100).meta({ description: "a test output of the net, e.g. 'accuracy'" }),
      goal: z.enum(['maximize', 'minimize']),
    }),
    asha: z
      .strictObject({
        minIterations: z.number().int().min(1),
        reductionFactor: z.number().int().min(2).max(10).default(3),
      })
      .optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    resources: resourcesSchema.optional().describe("every trial job's resources, as a training job's"),
  })
  .refine((b) => (b.strategy === 'asha') === (b.asha !== undefined), {
    message: 'strategy asha takes `asha: {minIterations, reductionFactor}`, and only it does',
    path: ['asha'],
  })
  .refine((b) => b.strategy === 'grid' || b.maxTrials !== undefined, {
    message: 'random and asha sweeps need maxTrials',
    path: ['maxTrials'],
  });

const parameterValues = z.record(z.string(), parameterValue);

const trialView = z.object({
  id: z.string(),
  parameters: parameterValues,
  status: z.enum(['pending', 'running', 'waiting', 'succeeded', 'stopped', 'failed', 'cancelled']),
  rung: z.number().int().min(0).describe('the rung its last job trains to (an index into rungs)'),
  iteration: z.number().int().min(0).describe('iterations reached'),
  objective: z.number().nullable().describe('the objective at the last rung it completed'),
  objectives: z.array(z.number().nullable()).describe('the objective at the end of each rung it completed'),
  jobIds: z.array(z.string()).describe('its training jobs, one per rung; each after the first resumes the one before'),
  error: z.string().optional(),
  usage: usageTotalView.optional().describe("what the trial's jobs used (every rung), once any of them ran"),
});

/** One trial on its own: its jobs in order and one curve across them (GET /v1/sweeps/{id}/trials/{trialId}). */
export const sweepTrialView = trialView
  .extend({
    sweepId: z.string(),
    jobs: z
      .array(
        z.object({
          id: z.string(),
          status: z.string(),
          iteration: z.number().int().min(0),
          resumeFrom: z.object({ trainingJobId: z.string(), iteration: z.number().int() }).optional(),
        }),
      )
      .describe('its training jobs that exist, in order (a job the sweep has named is created a moment later)'),
    metrics: metricsView.describe(
      "its train and test points across its jobs: each later job's points replace the earlier one's from where it " +
        'resumed, so the curve is continuous',
    ),
  })
  .meta({ id: 'SweepTrial' });

export const sweepView = z
  .object({
    ...recordViewFields,
    solverId: z.string(),
    datasetId: z.string(),
    status: z.enum(sweepStatuses),
    strategy: z.enum(['grid', 'random', 'asha']),
    parameters: z.record(z.string(), z.record(z.string(), z.unknown())),
    maxTrials: z.number().int(),
    maxParallel: z.number().int(),
    objective: z.object({ output: z.string(), goal: z.enum(['maximize', 'minimize']) }),
    asha: z.object({ minIterations: z.number().int(), reductionFactor: z.number().int() }).optional(),
    rungs: z.array(z.number().int()).describe('the iterations each rung trains to; the last is the solver max_iter'),
    seed: z.number().int().optional().describe('the seed random and ASHA sweeps drew their points with'),
    resources: resourcesView.optional().describe("what every trial's job asks for"),
    trials: z.array(trialView),
    best: z.object({ trialId: z.string(), objective: z.number(), parameters: parameterValues }).optional(),
    iterations: z
      .object({
        trained: z.number().int(),
        everyTrialToTheEnd: z.number().int().describe('what training every trial to max_iter would take'),
      })
      .optional(),
    usage: usageTotalView.optional().describe("what every trial's jobs used, summed (in GET /v1/sweeps/{id})"),
    saved: z
      .object({
        iterations: z.number().int().min(0),
        billableSeconds: z.number().int().min(0),
        estimatedCost: z.object({ amount: z.number().min(0), currency: z.literal('USD') }).optional(),
      })
      .optional()
      .describe(
        'what stopping trials early (ASHA, a cancel) saved against training every trial to max_iter: the ' +
          "iterations not trained, and their seconds and cost at the rate the sweep's jobs trained",
      ),
    finishedAt: z.iso.datetime().optional(),
    cancelledAt: z.iso.datetime().optional(),
    error: z.string().optional(),
  })
  .meta({ id: 'Sweep' });

export const sweepRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/sweeps',
    handler: 'create-sweep',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'read', queue: true },
    summary: "Start a hyperparameter sweep over a solver (grid, random or ASHA); its trials' jobs train at once",
    idempotent: true,
    request: { body: createSweepBody },
    responses: {
      202: {
        description: 'started: its first trials are queued',
        schema: sweepView,
        headers: { location: 'the sweep' },
      },
      400: problem('a parameter names no field, or a value Caffe refuses: `errors` names `parameters.<name>`'),
      404: problem('the solver does not exist'),
      422: problem('the solver or its dataset cannot be trained'),
      429: quotaExceeded,
    },
  },
  // GET one sums the trials' jobs' usage as it reads (core/usecases/sweep-usage.ts).
  ...readRoutes('sweeps', 'sweep', sweepView).map((route) =>
    route.path.endsWith('{id}') ? { ...route, handler: 'get-sweep' } : route,
  ),
  {
    method: 'GET',
    path: '/v1/sweeps/{id}/trials/{trialId}',
    handler: 'get-sweep-trial',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    summary: 'Read one trial of a sweep: its jobs and its curve across them',
    responses: {
      200: { description: 'the trial', schema: sweepTrialView },
      404: problem('no such sweep, or no such trial in it'),
    },
  },
  {
    method: 'POST',
    path: '/v1/sweeps/{id}/cancel',
    handler: 'cancel-sweep',
    auth: 'jwt',
    access: { table: 'readWrite', batch: 'terminate' },
    summary: "Stop a running sweep and every trial's queued or running job",
    responses: {
      200: { description: 'cancelled', schema: sweepView },
      409: problem('the sweep has already finished'),
    },
  },
  {
    method: 'DELETE',
    path: '/v1/sweeps/{id}',
    handler: 'delete-sweep',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'read', deleteObjects: true },
    summary: "Delete a finished sweep with its trials' jobs and derived solvers",
    responses: { 204: { description: 'deleted' }, 409: problem('the sweep is running; cancel it first') },
  },
];
