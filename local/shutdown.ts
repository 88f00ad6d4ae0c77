/**
 * Stopping the local cloud, in an order where nothing calls a part already stopped: first what starts work (the
 * gateway, the schedules, the queue pollers), then what does it (the Batch emulator's running jobs), then what they
 * called (the event bus, the emulators, the classify handler's inference server), and last the home's claim, so a
 * new start never opens a home still being written.
 */
import { stopInferenceServer } from '../container/inference/client';
import type { BatchEmulator } from './batch';
import type { Emulators } from './emulators';
import type { LocalEventBus } from './eventbridge';
import type { Stoppable } from './event-sources';
import type { LocalGateway } from './gateway';
import type { HomeClaim } from './home-claim';

export interface RunningParts {
  gateway: LocalGateway;
  schedules: Stoppable;
  queuePollers: Stoppable;
  batch: BatchEmulator;
  eventBus: LocalEventBus;
  emulators: Emulators;
  claim: HomeClaim;
}

export async function shutDown(parts: RunningParts): Promise<void> {
  await parts.gateway.close();
  await parts.schedules.stop();
  await parts.queuePollers.stop();
  await parts.batch.close();
  await parts.eventBus.close();
  await parts.emulators.close();
  stopInferenceServer();
  await parts.claim.release();
}
