/**
 * `ecaffe sweeps create`'s request body from its flags: `--param NAME=SPEC` in a short syntax, a
 * `--spec FILE.json` holding a whole POST body, and the flags that override it. Pure, so the syntax
 * is unit-tested; every mistake is a usage error naming the flag and the parameter.
 */
import type { CreateSweep } from '@elastic-caffe/sdk';
import { CliError, exitCodes } from './cli';

export type ParameterSpec = CreateSweep['parameters'][string];

const usage = (text: string, why: string) =>
  new CliError(`--param ${text}: ${why}`, exitCodes.usage, 'see ecaffe sweeps create --help for the syntax');

/** A number as the user wrote it (`1e-3`, `-2`, `.5`), or undefined. */
function number(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return undefined;
  return Number(trimmed);
}

function value(text: string): number | string | boolean {
  const n = number(text);
  if (n !== undefined) return n;
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** One `--param NAME=SPEC` → [NAME, the API's parameter spec]. */
export function parseParam(text: string): [string, ParameterSpec] {
  const equals = text.indexOf('=');
  if (equals < 0) throw usage(text, 'expected NAME=SPEC, e.g. base_lr=log:0.001..0.1');
  const name = text.slice(0, equals).trim();
  const spec = text.slice(equals + 1).trim();
  if (!name) throw usage(text, 'the parameter has no name before =');
  if (!spec) throw usage(text, `${name} has nothing after =`);
  const prefixed = /^(log|int|uniform):(.*)$/.exec(spec);
  const kind = prefixed?.[1] ?? 'uniform';
  const body = prefixed?.[2] ?? spec;
  if (body.includes('..')) {
    const bounds = body.split('..');
    const [lo, hi] = bounds.map(number);
    if (bounds.length !== 2 || lo === undefined || hi === undefined)
      throw usage(
        text,
        `${name}: a range is LO..HI with two numbers, e.g. ${name}=${kind === 'uniform' ? '' : `${kind}:`}1..10`,
      );
    if (!(lo < hi)) throw usage(text, `${name}: LO must be below HI (${lo} is not below ${hi})`);
    if (kind === 'log') {
      if (lo <= 0) throw usage(text, `${name}: a log-uniform range needs LO > 0`);
      return [name, { logUniform: [lo, hi] }];
    }
    if (kind === 'int') {
      if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw usage(text, `${name}: int: takes whole numbers`);
      return [name, { intUniform: [lo, hi] }];
    }
    return [name, { uniform: [lo, hi] }];
  }
  if (prefixed) throw usage(text, `${name}: ${kind}: takes a range LO..HI`);
  const items = spec.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) throw usage(text, `${name}: an empty value in the list`);
  return [name, { values: items.map(value) }];
}

/** Every `--param`, by name; naming one twice is a mistake. */
export function parseParams(texts: string[]): Record<string, ParameterSpec> {
  const parameters: Record<string, ParameterSpec> = {};
  for (const text of texts) {
    const [name, spec] = parseParam(text);
    if (name in parameters) throw usage(text, `${name} is given twice`);
    parameters[name] = spec;
  }
  return parameters;
}

/** `accuracy`, `accuracy:max`, `loss:min` → the objective; without a goal, a loss is minimized, the rest maximized. */
export function parseObjective(text: string): CreateSweep['objective'] {
  const match = /^([^:]+?)(?::(max|min|maximize|minimize))?$/.exec(text.trim());
  if (!match) throw new CliError(`--objective ${text}: expected OUTPUT[:max|:min], e.g. accuracy:max`, exitCodes.usage);
  const output = match[1]!;
  const goal = match[2]?.startsWith('min') || (!match[2] && /loss/i.test(output)) ? 'minimize' : 'maximize';
  return { output, goal };
}

export interface CreateFlags {
  solver?: string;
  param?: string[];
  strategy?: CreateSweep['strategy'];
  maxTrials?: number;
  maxParallel?: number;
  objective?: string;
  minIterations?: number;
  reductionFactor?: number;
  seed?: number;
  name?: string;
  cpu?: boolean;
  gpus?: '1' | '2' | '4' | '8';
}

/** The POST body: the spec file's (if any) with each flag given put over it; a --param replaces that parameter. */
export function sweepBody(flags: CreateFlags, spec: Partial<CreateSweep> = {}): CreateSweep {
  const parameters = { ...spec.parameters, ...parseParams(flags.param ?? []) };
  const solverId = flags.solver ?? spec.solverId;
  const strategy = flags.strategy ?? spec.strategy;
  const objective = flags.objective !== undefined ? parseObjective(flags.objective) : spec.objective;
  const missing = [
    !solverId && '--solver',
    !Object.keys(parameters).length && '--param',
    !strategy && '--strategy',
    !objective && '--objective',
  ].filter(Boolean);
  if (missing.length)
    throw new CliError(
      `missing ${missing.join(', ')} (as flags, or in --spec)`,
      exitCodes.usage,
      'see ecaffe sweeps create --help',
    );
  let asha = spec.asha;
  if (flags.minIterations !== undefined || flags.reductionFactor !== undefined) {
    if (strategy !== 'asha')
      throw new CliError('--min-iterations and --reduction-factor are for --strategy asha', exitCodes.usage);
    const minIterations = flags.minIterations ?? asha?.minIterations;
    if (minIterations === undefined)
      throw new CliError('--strategy asha needs --min-iterations (the first rung)', exitCodes.usage);
    const reductionFactor = flags.reductionFactor ?? asha?.reductionFactor;
    asha = { minIterations, ...(reductionFactor !== undefined ? { reductionFactor } : {}) };
  }
  if (strategy === 'asha' && !asha)
    throw new CliError('--strategy asha needs --min-iterations (the first rung)', exitCodes.usage);
  if (strategy !== 'asha') asha = undefined;
  const maxTrials = flags.maxTrials ?? spec.maxTrials;
  const maxParallel = flags.maxParallel ?? spec.maxParallel;
  const seed = flags.seed ?? spec.seed;
  const resources = flags.cpu
    ? { type: 'CPU' as const }
    : flags.gpus
      ? { type: 'GPU' as const, count: Number(flags.gpus) as 1 | 2 | 4 | 8 }
      : spec.resources;
  const body: CreateSweep = {
    ...spec,
    name: flags.name ?? spec.name ?? `${strategy}-sweep`,
    solverId: solverId!,
    parameters,
    strategy: strategy!,
    objective: objective!,
    ...(asha ? { asha } : {}),
    ...(maxTrials !== undefined ? { maxTrials } : {}),
    ...(maxParallel !== undefined ? { maxParallel } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(resources ? { resources } : {}),
  };
  // The spec's asha goes when a flag changed the strategy away from it.
  if (!asha) delete body.asha;
  return body;
}
