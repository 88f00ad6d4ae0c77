/**
 * A solver's net against its dataset (core/caffe/dataset-fit.ts), once the dataset is ready: at
 * submit (solver create and import, training job create) and again by the worker before Caffe
 * runs, since a solver may be stored while its dataset is still being built.
 */
import { checkNetFitsDataset, type DatasetFacts, type FitReport } from '../caffe/dataset-fit';
import { describeIssues, type ValidationIssue } from '../caffe/validate';
import { parsePrototxt, PrototxtSyntaxError } from '../prototxt';
import type { Dataset } from '../records/types';

/** What the checks know of a dataset; undefined until it is ready with a shape. */
export function datasetFacts(dataset: Dataset): DatasetFacts | undefined {
  if (dataset.status !== 'ready' || !dataset.shape) return undefined;
  return { ...dataset.shape, ...(dataset.labels ? { labels: dataset.labels.length } : {}) };
}

export interface NetFit {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** The net's issues on the dataset (all in the net); undefined if the dataset is not ready or a text does not parse. */
export function netFit(solver: string, net: string, dataset: Dataset): NetFit | undefined {
  const facts = datasetFacts(dataset);
  if (!facts) return undefined;
  let report: FitReport;
  try {
    report = checkNetFitsDataset(parsePrototxt(net), parsePrototxt(solver), facts);
  } catch (error) {
    if (error instanceof PrototxtSyntaxError) return undefined;
    throw error;
  }
  const inNet = (issues: FitReport['errors']): ValidationIssue[] => issues.map((issue) => ({ field: 'net', ...issue }));
  return { errors: inNet(report.errors), warnings: inNet(report.warnings) };
}

/** The errors as one sentence naming the dataset, for a 400/422's detail or a failed job's error. */
export function describeFitErrors(dataset: Dataset, errors: ValidationIssue[]): string {
  return `the net does not fit dataset ${dataset.id} (${describeShape(dataset)}): ${describeIssues(errors)}`;
}

function describeShape(dataset: Dataset): string {
  const shape = dataset.shape;
  const images = shape
    ? `${shape.channels === 1 ? 'grey' : `${shape.channels}-channel`} ${shape.width}x${shape.height} images`
    : 'no shape';
  return dataset.labels ? `${images}, ${dataset.labels.length} labels` : images;
}
