/**
 * The worker acts for one tenant per job, so at job start it trades its own identity (the Batch
 * job role, which may do nothing but assume the tenant role) for a session of the tenant role
 * limited by a session policy to that tenant: objects under `tenants/<tenantId>/` and table items
 * whose partition key is `TENANT#<tenantId>` (dynamodb:LeadingKeys). AWS grants the intersection
 * of the role's policy and the session policy, so a worker running a hostile net can reach no
 * other tenant's data, whatever code runs in the container.
 *
 * Sessions of a chained role last at most an hour and training runs longer, so the provider
 * assumes the role again shortly before a session expires.
 *
 * Locally (`npm start`) WORKER_TENANT_ROLE_ARN is unset — the emulators have no STS and check no
 * permissions — and the worker keeps the default credentials.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { instrument, useCredentials } from '../../core/aws/clients';
import { config } from '../../core/config';
import { envNames, tableKeys, tenantObjectsPrefix } from '../../core/topology';

/** An IAM policy document (the subset a session policy uses). */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{
    Sid: string;
    Effect: 'Allow';
    Action: string[];
    Resource: string[];
    Condition?: Record<string, Record<string, string[]>>;
  }>;
}

/** What the session policy is built from. */
export interface TenantScope {
  /** `aws`, `aws-cn`, `aws-us-gov`: taken from the role's ARN. */
  partition: string;
  bucket: string;
  table: string;
  tenantId: string;
}

/** AWS's limit on a session policy's plain text. */
export const maxSessionPolicyChars = 2048;

/**
 * Characters a tenant id may have here: a Cognito sub (hex and hyphens) or an IAM caller id
 * (`AIDA…`, `AROA…:<session name>`). IAM wildcards (`*`, `?`) and policy variables (`${…}`) would
 * widen the policy, so anything else is refused.
 */
const tenantIdPattern = /^[A-Za-z0-9_.:@+=,-]{1,128}$/;

/** The session policy that limits the tenant role to one tenant. */
export function tenantSessionPolicy({ partition, bucket, table, tenantId }: TenantScope): PolicyDocument {
  if (!tenantIdPattern.test(tenantId))
    throw new Error(`refusing to scope credentials to tenant id ${JSON.stringify(tenantId)}`);
  const prefix = `${tenantObjectsPrefix}${tenantId}/`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TenantObjects',
        Effect: 'Allow',
        // Tagging: intermediate snapshots are uploaded with the tag the lifecycle rule expires.
        Action: [
          's3:GetObject',
          's3:PutObject',
          's3:AbortMultipartUpload',
          's3:ListMultipartUploadParts',
          's3:GetObjectTagging',
          's3:PutObjectTagging',
        ],
        Resource: [`arn:${partition}:s3:::${bucket}/${prefix}*`],
      },
      {
        Sid: 'TenantListing',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:${partition}:s3:::${bucket}`],
        // Listings stay inside the tenant's prefix. S3 also consults ListBucket to answer 404
        // rather than 403 for a missing key (HeadObject, which the worker relies on); a grant
        // limited to a prefix answers 404 under that prefix (kopia/kopia#3072 measured it) —
        // unverified here, as no AWS account was at hand.
        Condition: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      },
      {
        Sid: 'TenantItems',
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:ConditionCheckItem',
        ],
        // Any account and region: the role's own policy names the one table, and AWS grants the intersection.
        Resource: [`arn:${partition}:dynamodb:*:*:table/${table}`],
        Condition: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`${tableKeys.tenantPartitionPrefix}${tenantId}`] },
        },
      },
      {
        Sid: 'JobEvents',
        Effect: 'Allow',
        // The worker's status writes publish job state events (core/events.ts); the role's own
        // policy names the stack's one bus.
        Action: ['events:PutEvents'],
        Resource: [`arn:${partition}:events:*:*:event-bus/*`],
      },
    ],
  };
}

/** Assume the role again when the session has less than this left. */
const refreshMarginMs = 5 * 60_000;

/** Sessions of a chained role last at most one hour. */
const sessionSeconds = 3600;

/**
 * A credentials provider for the SDK clients: assumes `roleArn` with the tenant's session policy,
 * and again whenever the session is about to expire.
 */
export function tenantCredentialsProvider(
  roleArn: string,
  scope: Omit<TenantScope, 'partition'>,
  sessionName: string,
  sts: Pick<STSClient, 'send'> = instrument(new STSClient({})),
): AwsCredentialIdentityProvider {
  const partition = roleArn.split(':')[1];
  if (!roleArn.startsWith('arn:') || !partition)
    throw new Error(`${envNames.workerTenantRoleArn} is not a role ARN: ${roleArn}`);
  const policy = JSON.stringify(tenantSessionPolicy({ ...scope, partition }));
  let current: AwsCredentialIdentity | undefined;
  return async () => {
    if (current?.expiration && current.expiration.getTime() - Date.now() > refreshMarginMs) return current;
    const { Credentials: session } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        Policy: policy,
        DurationSeconds: sessionSeconds,
      }),
    );
    if (!session?.AccessKeyId || !session.SecretAccessKey)
      throw new Error(`AssumeRole ${roleArn} returned no credentials`);
    current = {
      accessKeyId: session.AccessKeyId,
      secretAccessKey: session.SecretAccessKey,
      sessionToken: session.SessionToken,
      expiration: session.Expiration,
    };
    return current;
  };
}

/** A role session name (CloudTrail shows it): `[\w+=,.@-]`, 2 to 64 characters. */
export function sessionNameFor(recordId: string): string {
  return `worker-${recordId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/**
 * Makes every AWS client of this process act for `tenantId` only (core/aws/clients.ts). Does
 * nothing where WORKER_TENANT_ROLE_ARN is unset (locally). The first session is fetched right away,
 * so a job that cannot get one fails before it starts work (and Batch retries it).
 */
export async function useTenantCredentials(tenantId: string, recordId: string): Promise<void> {
  const roleArn = config.workerTenantRoleArn();
  if (!roleArn) return;
  const scope = { bucket: config.bucket(), table: config.table(), tenantId };
  const provider = tenantCredentialsProvider(roleArn, scope, sessionNameFor(recordId));
  await provider();
  useCredentials(provider);
  console.error(`[worker] acting as ${roleArn} for tenant ${tenantId} only`);
}
