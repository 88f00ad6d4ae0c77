/**
 * `Idempotency-Key` on the routes that create something (`idempotent: true` in core/routes.ts):
 * a retried request with the same key returns the first answer instead of creating a second object.
 *
 * Powertools' idempotency utility does the bookkeeping in the single table with conditional writes
 * only (no transactions, so dynalite runs it too). The key is scoped by hashing the route, the
 * tenant and the header value together, so two tenants (or two routes) never share a key. Answers
 * are kept for 24 h; the item's `ttl` attribute lets DynamoDB's TTL delete them afterwards
 * (dynalite ignores TTL, so locally they stay until they expire logically — Powertools treats an
 * expired item as absent). Failed requests are not remembered: the item is deleted, so a retry runs again.
 */
import { config as runtime } from '../../core/config';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { dynamodb } from '../../core/aws/clients';
import { ConflictError, UnprocessableError, ValidationError } from '../../core/errors';
import type { Route } from '../../core/route';
import { tableKeys } from '../../core/topology';

type Result = APIGatewayProxyStructuredResultV2;

/** The header, as middy's header normalizer spells it. */
const header = 'idempotency-key';
const maxKeyLength = 255;
/** How long an answer is replayed. */
export const idempotencyWindowSeconds = 24 * 3600;
/** The TTL attribute of idempotency items (the table's TTL setting must name it). */
export const idempotencyTtlAttribute = tableKeys.timeToLive;
/**
 * All idempotency items share one partition (Powertools needs a static partition key with a sort
 * key); the sort key is a hash of route + tenant + key. One partition takes 1,000 writes/s, far
 * above the API stage's throttle, and no record query reads it (they are all under `TENANT#…`).
 */
const partition = 'IDEMPOTENCY';

/** What identifies a request (`[route, tenantId, key]`) and what must match on a retry (`body`). */
interface Fingerprint {
  route: string;
  tenantId: string;
  key: string;
  body: unknown;
}

const config = new IdempotencyConfig({
  eventKeyJmesPath: '[route, tenantId, key]',
  payloadValidationJmesPath: 'body',
  expiresAfterSeconds: idempotencyWindowSeconds,
  // A replayed answer says so; its body is the first answer's, byte for byte.
  responseHook: (response) => {
    const result = response as Result;
    return { ...result, headers: { ...result.headers, 'idempotent-replayed': 'true' } } as never;
  },
});

let cached:
  | { endpoint: string | undefined; run: (fingerprint: Fingerprint, work: () => Promise<Result>) => Promise<Result> }
  | undefined;

/** One persistence layer per process (re-created if the local cloud moved DynamoDB's endpoint). */
function idempotentRunner() {
  const endpoint = runtime.dynamodbEndpoint();
  if (cached && cached.endpoint === endpoint) return cached.run;
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: runtime.table(),
    keyAttr: tableKeys.partitionKey,
    sortKeyAttr: tableKeys.sortKey,
    staticPkValue: partition,
    expiryAttr: idempotencyTtlAttribute,
    // Ours, not one of its own: the same endpoint, credentials, tracing and call log as every other call.
    awsSdkV3Client: dynamodb(),
  });
  const run = makeIdempotent(async (_fingerprint: Fingerprint, work: () => Promise<Result>) => work(), {
    persistenceStore,
    config,
    keyPrefix: 'http',
    dataIndexArgument: 0,
  });
  cached = { endpoint, run };
  return run;
}

/**
 * Runs `work` once per (route, tenant, Idempotency-Key): a retry gets the stored answer, a retry
 * with another body 422, a retry while the first is still running 409. Without the header, or on
 * a route that creates nothing, `work` just runs.
 */
export async function withIdempotency(
  request: {
    route: Pick<Route, 'idempotent'>;
    routeKey: string;
    tenantId: string;
    headers: Record<string, string | undefined>;
    body: unknown;
  },
  context: Context,
  work: () => Promise<Result>,
): Promise<Result> {
  const key = request.headers[header];
  if (key === undefined || !request.route.idempotent) return work();
  if (!key.trim() || key.length > maxKeyLength)
    throw new ValidationError(`the Idempotency-Key header must be 1 to ${maxKeyLength} characters`, [
      { field: 'Idempotency-Key', message: `must be 1 to ${maxKeyLength} characters` },
    ]);
  config.registerLambdaContext(context);
  try {
    // A missing body is hashed as null: Powertools hashes the JSON of `body`, and undefined has none.
    return await idempotentRunner()(
      { route: request.routeKey, tenantId: request.tenantId, key, body: request.body ?? null },
      work,
    );
  } catch (error) {
    if (error instanceof IdempotencyValidationError)
      throw new UnprocessableError(
        `Idempotency-Key "${key}" was already used with a different request body; use a new key ` +
          `for a different request`,
      );
    if (error instanceof IdempotencyAlreadyInProgressError)
      throw new ConflictError(`a request with Idempotency-Key "${key}" is still in progress; retry it in a moment`);
    throw error;
  }
}
