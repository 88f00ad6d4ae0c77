/**
 * Who may call the admin API (`admin: true` routes): the one place that decides. With Cognito, a
 * member of the group `adminGroup` (the `cognito:groups` claim the JWT authorizer verified); with
 * `authMode: iam`, a caller whose ARN the deployment lists in ADMIN_PRINCIPAL_ARNS (API Gateway's
 * IAM authorizer verified the SigV4 signature and names the caller).
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { config } from '../../core/config';
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
  if (typeof groups === 'string')
    return groups
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
  return [];
}

export function isAdmin(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): boolean {
  const authorizer = event.requestContext.authorizer as
    | { jwt?: { claims?: Record<string, unknown> }; iam?: { userArn?: string } }
    | undefined;
  if (groupsOf(authorizer?.jwt?.claims).includes(adminGroup)) return true;
  const callerArn = authorizer?.iam?.userArn;
  return Boolean(callerArn && config.adminPrincipalArns().includes(callerArn));
}

/** Throws 403 unless the caller is an admin. */
export function assertAdmin(event: Pick<APIGatewayProxyEventV2WithJWTAuthorizer, 'requestContext'>): void {
  if (!isAdmin(event))
    throw new AdminOnlyError(
      `this is an admin operation: only members of the "${adminGroup}" group (or, with IAM auth, ` +
        `the deployment's admin principals) may call it`,
    );
}
