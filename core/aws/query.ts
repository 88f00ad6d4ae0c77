/** DynamoDB queries that read every page (the SDK's own paginator follows LastEvaluatedKey). */
import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb } from './clients';

/** Every item the query matches, across all pages, in the order DynamoDB returns them. */
export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client: ddb() }, input)) items.push(...(page.Items ?? []));
  return items;
}
