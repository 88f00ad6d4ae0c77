/**
 * A sweep's parameter space: which solver or net fields vary and over what. Pure: it names the
 * fields, enumerates a grid, samples with a seed, writes a point into the prototxt texts with the
 * tree editor (core/prototxt) and checks each result against Caffe's schema, so a sweep whose
 * combinations Caffe would refuse is refused before anything runs.
 *
 * A parameter's name is a solver field (`base_lr`, `momentum`, `type`) or a field of a layer the
 * net names: `layer[conv1].convolution_param.num_output`.
 */
import { caffeSchema, type SchemaField } from '../caffe/schema';
import { validateSolverAndNet } from '../caffe/validate';
import type { FieldError } from '../errors';
import {
  getAll,
  getField,
  getScalar,
  isMessage,
  type PField,
  type PMessage,
  parsePrototxt,
  printPrototxt,
  setScalar,
  setValue,
} from '../prototxt';

export type ParameterValue = number | string | boolean;

/** How one parameter varies: listed values (griddable) or a range sampled by random and ASHA sweeps. */
export type ParameterSpec =
  | { values: ParameterValue[] }
  | { uniform: [number, number] }
  | { logUniform: [number, number] }
  | { intUniform: [number, number] };

export type ParameterSpace = Record<string, ParameterSpec>;
/** One combination: a value for every parameter of the space. */
export type Point = Record<string, ParameterValue>;

/** Where a parameter writes: the solver at a field path, or a named layer of the net at a field path. */
export type Target = { file: 'solver'; path: string[] } | { file: 'net'; layer: string; path: string[] };

/** A parameter the space cannot use; `field` is `parameters.<name>` as the API reports it. */
export class SpaceError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

const fieldName = /^[a-z_][a-z0-9_]*$/;
const layerPath = /^layers?\[([^\]]+)\]\.(.+)$/;

/** The target a parameter name addresses, or an error message saying why it addresses none. */
export function parseTarget(name: string): Target | string {
  const layer = layerPath.exec(name);
  const path = (layer ? layer[2]! : name).split('.');
  if (!path.every((segment) => fieldName.test(segment)))
    return 'name a solver field (base_lr) or a layer field (layer[conv1].convolution_param.num_output)';
  return layer ? { file: 'net', layer: layer[1]!, path } : { file: 'solver', path };
}

/** The schema entry a path leads to from a message type, or why there is none. */
function schemaFieldOf(type: string, path: string[]): SchemaField | string {
  let owner = type;
  let spec: SchemaField | undefined;
  for (const [i, segment] of path.entries()) {
    spec = caffeSchema.messages[owner]?.[segment];
    if (!spec) return `${owner} has no field "${segment}"`;
    if (i < path.length - 1) {
      if (spec.kind !== 'message' || !spec.type) return `${segment} is not a message, it has no fields`;
      if (spec.repeated) return `${segment} is repeated; a sweep sets singular fields only`;
      owner = spec.type;
    }
  }
  if (spec!.kind === 'message') return `${path.at(-1)} is a message; name one of its fields`;
  if (spec!.repeated) return `${path.at(-1)} is repeated; a sweep sets singular fields only`;
  return spec!;
}

const rootType = (target: Target) => (target.file === 'solver' ? 'SolverParameter' : 'LayerParameter');

/** The values a parameter takes at the edges (ranges) or all of them (lists): what validation tries. */
function probeValues(spec: ParameterSpec): ParameterValue[] {
  if ('values' in spec) return spec.values;
  if ('uniform' in spec) return spec.uniform;
  if ('logUniform' in spec) return spec.logUniform;
  return spec.intUniform;
}

/** Problems with the specs themselves (ranges the wrong way round, a log range through zero). */
function specProblem(spec: ParameterSpec): string | undefined {
  if ('values' in spec) return spec.values.length ? undefined : 'values must list at least one value';
  const [lo, hi] = probeValues(spec) as [number, number];
  if (!(lo <= hi)) return `the range's low end ${lo} is above its high end ${hi}`;
  if ('logUniform' in spec && lo <= 0) return 'a logUniform range must be above 0';
  if ('intUniform' in spec && !(Number.isInteger(lo) && Number.isInteger(hi))) return 'intUniform takes integers';
  return undefined;
}

const isGriddable = (spec: ParameterSpec): spec is { values: ParameterValue[] } => 'values' in spec;

/** Every combination of the listed values (in the order given, the first parameter slowest); ranges cannot be. */
export function grid(space: ParameterSpace): Point[] {
  const names = Object.keys(space);
  const continuous = names.filter((name) => !isGriddable(space[name]!));
  if (continuous.length)
    throw new SpaceError(
      continuous.map((name) => ({
        field: `parameters.${name}`,
        message: 'a range cannot be gridded: list its values, or use strategy random or asha',
      })),
    );
  let points: Point[] = [{}];
  for (const name of names) {
    const values = (space[name] as { values: ParameterValue[] }).values;
    points = points.flatMap((point) => values.map((value) => ({ ...point, [name]: value })));
  }
  return points;
}

/** How many points the grid has (without building it). */
export const gridSize = (space: ParameterSpace): number =>
  Object.values(space).reduce((n, spec) => n * (isGriddable(spec) ? spec.values.length : Number.POSITIVE_INFINITY), 1);

/** mulberry32: a small seeded generator, so a recorded seed reproduces a sweep's points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sampleOne(spec: ParameterSpec, random: () => number): ParameterValue {
  if ('values' in spec) return spec.values[Math.floor(random() * spec.values.length)]!;
  if ('uniform' in spec) return spec.uniform[0] + random() * (spec.uniform[1] - spec.uniform[0]);
  if ('logUniform' in spec) {
    const [lo, hi] = spec.logUniform.map(Math.log) as [number, number];
    return Math.exp(lo + random() * (hi - lo));
  }
  const [lo, hi] = spec.intUniform;
  return lo + Math.floor(random() * (hi - lo + 1));
}

/**
 * `count` points drawn with `seed`. A space of listed values only is drawn without replacement (a
 * shuffle of its grid), so no trial repeats another while unseen points remain.
 */
export function sample(space: ParameterSpace, count: number, seed: number): Point[] {
  const random = seededRandom(seed);
  const names = Object.keys(space);
  if (names.every((name) => isGriddable(space[name]!))) {
    const points = grid(space);
    for (let i = points.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [points[i], points[j]] = [points[j]!, points[i]!];
    }
    const repeats = Array.from({ length: Math.max(0, count - points.length) }, (_, i) => points[i % points.length]!);
    return [...points.slice(0, count), ...repeats];
  }
  return Array.from({ length: count }, () =>
    Object.fromEntries(names.map((name) => [name, sampleOne(space[name]!, random)])),
  );
}

/** A number as prototxt writes it: integers plainly, others with enough digits and no trailing noise. */
function numberText(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** The message a target writes into (the named layer for net fields), creating nested messages on the way. */
function ownerOf(root: PMessage, target: Target): PMessage | string {
  let owner = root;
  if (target.file === 'net') {
    const layers = [...getAll(root, 'layer'), ...getAll(root, 'layers')];
    const layer = layers.find((entry) => isMessage(entry.value) && getScalar(entry.value, 'name') === target.layer);
    if (!layer) return `the net has no layer named "${target.layer}"`;
    owner = layer.value as PMessage;
  }
  for (const segment of target.path.slice(0, -1)) {
    const existing = getField(owner, segment);
    if (existing && isMessage(existing.value)) owner = existing.value;
    else owner = setValue(owner, segment, { fields: [] }).value as PMessage;
  }
  return owner;
}

/** Writes one value at a target: the field written, or why the value cannot be written. */
function writeValue(root: PMessage, target: Target, spec: SchemaField, value: ParameterValue): PField | string {
  const owner = ownerOf(root, target);
  if (typeof owner === 'string') return owner;
  const field = target.path.at(-1)!;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${value} is not a finite number`;
    return setScalar(owner, field, 'number', numberText(value));
  }
  if (typeof value === 'boolean') return setScalar(owner, field, 'identifier', String(value));
  return setScalar(owner, field, spec.kind === 'enum' ? 'identifier' : 'string', value);
}

export interface Texts {
  solver: string;
  net: string;
}

/** Where each parameter was written: its field's line and column in the texts as given (0: added). */
type Places = Record<string, { line: number; column: number }>;

function applyWithPlaces(texts: Texts, point: Point): { applied: Texts; places: Places } {
  const solver = parsePrototxt(texts.solver);
  const net = parsePrototxt(texts.net);
  const places: Places = {};
  for (const [name, value] of Object.entries(point)) {
    const target = parseTarget(name);
    if (typeof target === 'string') throw new SpaceError([{ field: `parameters.${name}`, message: target }]);
    const spec = schemaFieldOf(rootType(target), target.path);
    if (typeof spec === 'string') throw new SpaceError([{ field: `parameters.${name}`, message: spec }]);
    const written = writeValue(target.file === 'solver' ? solver : net, target, spec, value);
    if (typeof written === 'string') throw new SpaceError([{ field: `parameters.${name}`, message: written }]);
    places[name] = { line: written.line, column: written.column };
  }
  return { applied: { solver: printPrototxt(solver), net: printPrototxt(net) }, places };
}

/** The solver and net with a point written in (targets already checked by `checkSpace`). */
export const applyPoint = (texts: Texts, point: Point): Texts => applyWithPlaces(texts, point).applied;

/**
 * The solver for a rung: max_iter the rung's iterations and, when the solver tests but its
 * test_interval does not divide the rung, test_interval the rung — Caffe tests after the last
 * iteration only at a multiple of test_interval, and the rung's objective is that test.
 */
export function forRung(solverText: string, maxIter: number): string {
  const solver = parsePrototxt(solverText);
  setScalar(solver, 'max_iter', 'number', String(maxIter));
  const interval = Number(getScalar(solver, 'test_interval') ?? 0);
  if (interval > 0 && maxIter % interval !== 0) setScalar(solver, 'test_interval', 'number', String(maxIter));
  return printPrototxt(solver);
}

/**
 * Caffe's complaints about texts with a point applied, as errors of `field`. A complaint is placed
 * where the parameter's field is written in the texts as given (the applied texts are printed
 * anew, so their own lines would point nowhere the user can see); a field the sweep adds has none.
 */
function issuesFor(texts: Texts, point: Point, field: string): FieldError[] {
  let result: ReturnType<typeof applyWithPlaces>;
  try {
    result = applyWithPlaces(texts, point);
  } catch (error) {
    if (error instanceof SpaceError) return error.errors;
    throw error;
  }
  const place = result.places[field.slice('parameters.'.length)];
  return validateSolverAndNet(result.applied.solver, result.applied.net).map((issue) => ({
    field,
    message: `${issue.field}: ${issue.message}`,
    ...(place?.line ? place : {}),
  }));
}

/**
 * Every problem with a space over these texts, each naming its parameter: names that address no
 * field, ranges that are not ranges, and values Caffe's schema refuses (each parameter's values
 * tried alone, so the complaint lands on the parameter that causes it). Empty when it is usable.
 */
export function checkSpace(texts: Texts, space: ParameterSpace): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, spec] of Object.entries(space)) {
    const field = `parameters.${name}`;
    const target = parseTarget(name);
    const schema = typeof target === 'string' ? target : schemaFieldOf(rootType(target), target.path);
    if (typeof schema === 'string') {
      errors.push({ field, message: schema });
      continue;
    }
    const problem = specProblem(spec);
    if (problem) {
      errors.push({ field, message: problem });
      continue;
    }
    for (const value of probeValues(spec)) {
      const found = issuesFor(texts, { [name]: value }, field);
      if (found.length) {
        errors.push(...found.map((e) => ({ ...e, message: `${JSON.stringify(value)}: ${e.message}` })));
        break;
      }
    }
  }
  return errors;
}

/**
 * Caffe's complaints about each point (every combination that will run), naming the point's
 * parameters; empty when all of them are runnable.
 */
export function checkPoints(texts: Texts, points: Point[]): FieldError[] {
  for (const point of points) {
    const names = Object.keys(point);
    const found = issuesFor(texts, point, `parameters.${names[0] ?? ''}`);
    if (found.length)
      return found.map((e) => ({ ...e, message: `the combination ${JSON.stringify(point)}: ${e.message}` }));
  }
  return [];
}
