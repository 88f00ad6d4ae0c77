/**
 * Who may call the admin API (`admin: true` routes): the one place that decides. Today a member
 * of the Cognito group `adminGroup` (the `cognito:groups` claim the JWT authorizer verified);
 * an IAM mode adds "or an allowed IAM principal" here, beside the group check.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { DomainError } from '../../core/errors';
import { adminGroup } from '../../core/topology';

/** 403: the caller is known but not an admin. Admin routes hold no tenant data, so saying so hides nothing. */
export class AdminOnlyError extends DomainError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

/**
 * The groups in the claims. API Gateway's HTTP API hands array claims to the function as one
 * string (`[admins other]`); the local gateway hands the array itself.
 */
export function groupsOf(claims: Record<string, unknown> | undefined): string[] {
  const groups = claims?.['cognito:groups'];
  if (Array.isArray(groups)) return groups.map(String);
  if (typeof groups === 'string') return groups.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return [];
}

export function isAdmin(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): boolean {
  return groupsOf(event.requestContext.authorizer?.jwt?.claims).includes(adminGroup);
}

/** Throws 403 unless the caller is an admin. */
export function assertAdmin(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): void {
  if (!isAdmin(event)) throw new AdminOnlyError(`this is an admin operation: only members of the "${adminGroup}" group may call it`);
}
