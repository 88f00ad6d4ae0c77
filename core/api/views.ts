/**
 * Schemas of what the API shows of each record: `toView` (core/usecases/views.ts) of the record
 * types in core/records/types.ts. They document the answers (OpenAPI) and, in tests, every answer
 * is checked against them — so a field added to a record but not here fails a test by name.
 */
import { z } from 'zod';
import {
  datafileFormats,
  datafileStatuses,
  datasetStatuses,
  solverStatuses,
  trainingJobStatuses,
} from '../records/types';
import { recordViewFields } from './common';

const count = z.number().int().min(0);

/** What a piece of work's Batch attempts used (core/usage.ts). */
export const usageView = z
  .object({
    attempts: z.array(
      z.object({
        batchJobId: z.string(),
        attempt: z.number().int().min(1),
        startedAt: z.iso.datetime(),
        stoppedAt: z.iso.datetime(),
        runningSeconds: z.number().min(0),
        vcpus: z.number().min(0).describe('what the attempt asked Batch for'),
        gpus: count,
        memoryMiB: z.number().min(0).optional(),
      }),
    ),
    billableSeconds: count.describe("the attempts' running seconds, each rounded up (time queued is free)"),
    estimatedCost: z
      .object({
        amount: z.number().min(0),
        currency: z.literal('USD'),
        market: z.enum(['spot', 'onDemand']),
        pricesTakenOn: z.string(),
      })
      .optional()
      .describe(
        "each attempt's share of the cheapest priced instance type that fits it, at the stack's price table " +
          '(absent without one, as in the local cloud)',
      ),
  })
  .meta({ id: 'Usage' });

/** What a job asks Batch for: the GPU or CPU queue, and GPUs on one instance above one. */
export const resourcesView = z.object({ type: z.enum(['GPU', 'CPU']), count: z.literal([2, 4, 8]).optional() });

/** Usage summed over several pieces of work (a sweep's trials' jobs): the totals, not the attempts. */
export const usageTotalView = usageView
  .pick({ billableSeconds: true, estimatedCost: true })
  .extend({ jobs: count.describe('the training jobs whose attempts are summed') })
  .meta({ id: 'UsageTotal' });

export const datafileView = z
  .object({
    ...recordViewFields,
    format: z.enum(datafileFormats),
    status: z.enum(datafileStatuses),
    sizeBytes: count.optional(),
    sourceUrl: z.string().optional().describe('the URL an imported datafile was fetched from'),
    partSizeBytes: count.optional().describe('part size of its multipart upload'),
    detectedFormat: z.string().optional().describe('the format the inspection found'),
    labels: z.array(z.string()).optional().describe('label folders (or label values) the inspection found'),
    counts: z.record(z.string(), count).optional().describe('images per label'),
    entries: count.optional().describe('entries in the archive'),
    attempts: count.optional(),
    finishedAt: z.iso.datetime().optional().describe('when the import or inspection ended'),
    error: z.string().optional(),
  })
  .meta({ id: 'Datafile' });

const datasetSource = z.object({ datafileId: z.string(), splitPercentage: z.number().min(0).max(1) });

export const datasetView = z
  .object({
    ...recordViewFields,
    status: z.enum(datasetStatuses),
    training: datasetSource,
    testing: datasetSource,
    transform: z
      .object({
        grayscale: z.boolean().optional(),
        width: z.number().int().optional(),
        height: z.number().int().optional(),
        resizeMode: z.literal('stretch').optional(),
        shuffle: z.boolean().optional(),
        seed: z.number().int().optional(),
      })
      .optional(),
    format: z.enum(datafileFormats).optional().describe("the datafiles' format"),
    seed: z.number().int().optional().describe('the seed the split and shuffle used'),
    preprocessing: z
      .object({
        channels: count,
        height: count,
        width: count,
        grayscale: z.boolean(),
        resizeMode: z.enum(['stretch', 'none']),
        meanFile: z.boolean().describe('a mean image of the training LMDB is stored with the dataset'),
      })
      .optional()
      .describe('what the stored images are, so classification applies exactly what training saw'),
    labels: z.array(z.string()).optional().describe('folder names in label-index order'),
    counts: z.object({ training: z.record(z.string(), count), testing: z.record(z.string(), count) }).optional(),
    testingMean: z.boolean().optional().describe("the request asked for the testing split's mean image too"),
    mean: z
      .object({ training: z.array(z.number()), testing: z.array(z.number()).optional() })
      .optional()
      .describe(
        "each split's mean per channel (B, G, R for colour; one for grey), 0–255; images: GET /v1/datasets/{id}/mean",
      ),
    shape: z.object({ channels: count, height: count, width: count }).optional(),
    attempts: count,
    finishedAt: z.iso.datetime().optional().describe('when preparation ended'),
    error: z.string().optional(),
    usage: usageView.optional(),
  })
  .meta({ id: 'Dataset' });

const located = z.object({
  field: z.string(),
  message: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});

export const solverView = z
  .object({
    ...recordViewFields,
    datasetId: z.string(),
    solver: z.string().describe('solver prototxt as submitted'),
    net: z.string().describe('net prototxt as submitted'),
    solverType: z.string(),
    maxIterations: count,
    status: z.enum(solverStatuses).optional().describe('pending while an imported solver is fetched and checked'),
    source: z.object({ solverUrl: z.string(), netUrl: z.string() }).optional(),
    attempts: count.optional(),
    finishedAt: z.iso.datetime().optional(),
    error: z.string().optional(),
    errors: z.array(located).optional(),
    warnings: z
      .array(located)
      .optional()
      .describe('what trains but may not be meant, found against the dataset (e.g. more outputs than it has labels)'),
    sweepId: z.string().optional().describe('the sweep whose trial point this solver is (deleted with it)'),
  })
  .meta({ id: 'Solver' });

const jobSource = z.object({ trainingJobId: z.string(), iteration: count });

export const trainingJobView = z
  .object({
    ...recordViewFields,
    solverId: z.string(),
    datasetId: z.string(),
    status: z.enum(trainingJobStatuses),
    attempts: count,
    progress: z.object({
      iteration: count,
      maxIterations: count,
      loss: z.number().optional(),
      learningRate: z.number().optional(),
      iterationsPerSecond: z.number().optional(),
      etaSeconds: z.number().optional(),
      testOutputs: z.record(z.string(), z.number()),
    }),
    startedAt: z.iso.datetime().optional(),
    finishedAt: z.iso.datetime().optional(),
    cancelledAt: z.iso.datetime().optional(),
    model: z.object({ iteration: count, bytes: count }).optional(),
    error: z.string().optional(),
    resources: resourcesView.optional(),
    maxRuntimeSeconds: count.optional(),
    weightsFrom: z.union([jobSource, z.object({ modelId: z.string() })]).optional(),
    resumeFrom: jobSource.optional(),
    resumes: z
      .array(
        z.object({
          iteration: count.describe("the job's own snapshot the attempt continued from"),
          attempt: z
            .number()
            .int()
            .min(1)
            .describe("Batch's attempt number (1 when the work was submitted again rather than retried)"),
          at: z.iso.datetime(),
        }),
      )
      .optional()
      .describe(
        "attempts that resumed from the job's own newest snapshot after an interruption (spot " +
          'reclaim, a killed or crashed worker), oldest first',
      ),
    usage: usageView.optional(),
    sweepId: z.string().optional().describe('the sweep whose trial this job trains'),
    trialId: z.string().optional().describe('the trial (within the sweep) this job is one rung of'),
  })
  .meta({ id: 'TrainingJob' });
