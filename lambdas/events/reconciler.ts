/** Schedule (every minute) → repairs work stuck between the dispatcher's steps (core/usecases/reconcile.ts). */
import { reconcile } from '../../core/usecases/reconcile';
import { eventHandler } from '../shared/events';
import { logger } from '../shared/powertools';

const onSchedule = async (): Promise<void> => {
  const report = await reconcile();
  if (report.adopted || report.requeued || report.terminated || report.slotsFreed)
    logger.warn('reconciler repaired stuck work', { ...report });
};

export const handler = eventHandler('reconciler', onSchedule);
