/** What the worker runs for each action (core/topology.ts lists the actions and their collections). */
import type { WorkerAction } from '../../core/topology';
import { checkModel } from './check-model';
import { classify } from './classify';
import type { WorkerContext } from './context';
import { importDatafile } from './import-datafile';
import { importSolver } from './import-solver';
import { prepareDataset } from './prepare-dataset';
import { train } from './train';

export type ActionRunner = (ctx: WorkerContext, tenantId: string, recordId: string) => Promise<void>;

export const actionRunners: Record<WorkerAction, ActionRunner> = {
  'prepare-dataset': prepareDataset,
  train,
  'import-datafile': importDatafile,
  'import-solver': importSolver,
  classify,
  'check-model': checkModel,
};
