/**
 * The routes this process's HTTP handlers serve. A deployed function is handed only its own route by
 * its entry module (packaging/route-entry.ts), so its bundle carries one resource's schemas rather
 * than the whole route table; the local gateway and the tests hand over every route (core/routes.ts).
 * httpHandler reads the route at each request, never at load, so the order of imports does not matter.
 */
import { routeKey, type Route } from '../../core/route';

const served = new Map<string, Route>();

/** Adds `routes` to what this process serves (adding one again replaces it). */
export function serveRoutes(routes: readonly Route[]): void {
  for (const route of routes) served.set(routeKey(route), route);
}

/** The served route with this key (`GET /v1/datasets/{id}`), if any. */
export function servedRoute(key: string): Route | undefined {
  return served.get(key);
}
