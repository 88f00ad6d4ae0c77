/**
 * Which layers a net has in each of the nets a solver builds from it, by Caffe's own rules
 * (solver.cpp InitTrainNet/InitTestNets, net.cpp FilterNet and StateMeetsRule): the training net
 * in the solver's `train_state`, and one test net per `test_iter` in its `test_state` (phase TEST,
 * level 0, no stages when the solver names none). A layer with include rules is in a net when one
 * of them is met; otherwise it is in unless an exclude rule is met. A rule is met when its phase
 * (if set) is the state's, the state's level is within min_level..max_level (where set), every
 * `stage` is one of the state's stages and no `not_stage` is.
 */
import { getAll, getField, getMessage, getScalar, isMessage, type PField, type PMessage } from '../prototxt';
import { parseProtoInt } from './solver-rules';

export type Phase = 'TRAIN' | 'TEST';

export interface NetState {
  phase: Phase;
  level: number;
  stages: string[];
}

/** The states of the nets one `caffe train` run builds: the training net's, then each test net's. */
export interface SolverStates {
  train: NetState;
  tests: NetState[];
}

/**
 * A NetState message (NetParameter.state, SolverParameter.train_state/test_state) merged onto
 * `base` as protobuf's MergeFrom does.
 */
function mergeState(base: NetState, msg: PMessage | undefined): NetState {
  if (!msg) return base;
  const phase = getScalar(msg, 'phase');
  const level = getScalar(msg, 'level');
  return {
    phase: phase === 'TRAIN' || phase === 'TEST' ? phase : base.phase,
    level: level === undefined ? base.level : (parseProtoInt(level) ?? base.level),
    // Repeated fields append on MergeFrom.
    stages: [...base.stages, ...scalars(msg, 'stage')],
  };
}

const scalars = (msg: PMessage, name: string): string[] =>
  getAll(msg, name).flatMap((f) => (isMessage(f.value) ? [] : [f.value.text]));
const messages = (msg: PMessage, name: string): PMessage[] =>
  getAll(msg, name).flatMap((f) => (isMessage(f.value) ? [f.value] : []));

/**
 * The states a solver (parsed; undefined for "no solver": the default TRAIN and TEST states) gives
 * the nets it builds from `net`. The service always sends the net as `net`, so there is one test
 * net per `test_iter`; a `test_state` count other than that is refused at submit (validate.ts).
 */
export function solverStates(net: PMessage, solver?: PMessage): SolverStates {
  const netState = getMessage(net, 'state');
  const train = mergeState(
    mergeState({ phase: 'TRAIN', level: 0, stages: [] }, netState),
    solver && getMessage(solver, 'train_state'),
  );
  const testStates = solver ? messages(solver, 'test_state') : [];
  const testCount = solver ? getAll(solver, 'test_iter').length : 1;
  const tests = Array.from({ length: testCount }, (_, i) =>
    mergeState(mergeState({ phase: 'TEST', level: 0, stages: [] }, netState), testStates[i]),
  );
  return { train, tests };
}

/** Caffe's Net::StateMeetsRule. */
export function stateMeetsRule(state: NetState, rule: PMessage): boolean {
  const phase = getScalar(rule, 'phase');
  if (phase !== undefined && phase !== state.phase) return false;
  const min = getScalar(rule, 'min_level');
  if (min !== undefined && state.level < (parseProtoInt(min) ?? 0)) return false;
  const max = getScalar(rule, 'max_level');
  if (max !== undefined && state.level > (parseProtoInt(max) ?? 0)) return false;
  if (scalars(rule, 'stage').some((stage) => !state.stages.includes(stage))) return false;
  if (scalars(rule, 'not_stage').some((stage) => state.stages.includes(stage))) return false;
  return true;
}

/** Caffe's Net::FilterNet for one layer: whether the layer is part of the net built in `state`. */
export function layerInState(layer: PMessage, state: NetState): boolean {
  const includes = messages(layer, 'include');
  if (includes.length > 0) return includes.some((rule) => stateMeetsRule(state, rule));
  return !messages(layer, 'exclude').some((rule) => stateMeetsRule(state, rule));
}

/** The net's layer entries (`layer`, or V1 `layers`), in order. */
export function layerEntries(net: PMessage): PField[] {
  return net.fields.filter((f) => (f.name === 'layer' || f.name === 'layers') && isMessage(f.value));
}

/** The layers of the net built in `state`, in order. */
export function layersInState(net: PMessage, state: NetState): PField[] {
  return layerEntries(net).filter((entry) => layerInState(entry.value as PMessage, state));
}

/** How a state reads in a message: "TRAIN", "TEST (stage test-on-test)". */
export function describeState(state: NetState): string {
  const parts = [...(state.level ? [`level ${state.level}`] : []), ...state.stages.map((s) => `stage ${s}`)];
  return parts.length ? `${state.phase} (${parts.join(', ')})` : state.phase;
}

/** A layer with both include and exclude rules; Caffe refuses it ("Specify either include rules or exclude rules"). */
export function bothRuleKinds(layer: PMessage): PField | undefined {
  return getField(layer, 'include') && getField(layer, 'exclude');
}
