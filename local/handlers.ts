/**
 * The function code the local cloud invokes: the same handler modules the stack deploys (lambdas/http/,
 * lambdas/events/), each loaded once into this process, or a handler the caller substitutes for a route.
 */
import * as path from 'node:path';
import { routeKey, type Route } from '../core/route';
import { eventFunctionName, eventHandlers } from '../core/topology';
import { loadHandler, type AsyncHandler } from './lambda-context';
import { deliver } from './runtime';

const root = path.resolve(__dirname, '..');

export type EventFunction = keyof typeof eventHandlers;

export interface LocalHandlers {
  /** The handler serving `route`: a substitute given by route key, else the route's own module. */
  http(route: Route): AsyncHandler;
  /** The event function's handler, for a caller that invokes it itself (the queue pollers). */
  event(key: EventFunction): AsyncHandler;
  /** Invokes the event function as EventBridge, S3 and schedules do: asynchronously, retried (local/runtime.ts). */
  deliver(key: EventFunction, event: unknown, attempts?: number): Promise<void>;
}

/**
 * @param substitutes handlers by route key (`POST /v1/classifiers/{id}/classify`), e.g. the classify function's image
 *   run as Lambda runs it.
 */
export function localHandlers(substitutes: Record<string, AsyncHandler> = {}): LocalHandlers {
  const loaded = new Map<string, AsyncHandler>();
  const load = (entry: string) => {
    if (!loaded.has(entry)) loaded.set(entry, loadHandler(path.join(root, entry)));
    return loaded.get(entry)!;
  };
  const event = (key: EventFunction) => load(`lambdas/events/${eventHandlers[key]}.ts`);
  return {
    http: (route) => substitutes[routeKey(route)] ?? load(`lambdas/http/${route.handler}.ts`),
    event,
    deliver: (key, payload, attempts) => deliver(eventFunctionName(key), event(key), payload, attempts),
  };
}
