/** The work store the use cases use: DynamoDB, unless a test swaps in another (test/support/memory-work-store.ts). */
import type { WorkStore } from '../../ports/work-store';
import { dynamoWorkStore } from '../../records/work-store';

let current: WorkStore = dynamoWorkStore;

export const workStore = (): WorkStore => current;

/** Uses `store` from now on; without an argument, DynamoDB again. */
export function useWorkStore(store: WorkStore = dynamoWorkStore): void {
  current = store;
}
