/**
 * The worker's tenant-scoped credentials: the session policy document (what a job may touch) and
 * the provider that assumes the tenant role with it (STS mocked).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients, useCredentials } from '../../../../core/aws/clients';
import { s3 } from '../../../../core/aws/eager-clients';
import { envNames } from '../../../../core/topology';
import {
  maxSessionPolicyChars,
  sessionNameFor,
  tenantCredentialsProvider,
  tenantSessionPolicy,
  useTenantCredentials,
} from '../../../../container/worker/tenant-credentials';

const scope = {
  partition: 'aws',
  bucket: 'data-bucket',
  table: 'records',
  tenantId: '3f1c9a2e-7b41-4c1e-9d3a-0c6b2f8e5a17',
};

/** An AssumeRole answer whose session expires in `expiresInMs`. */
const session = (n: number, expiresInMs: number) => ({
  Credentials: {
    AccessKeyId: `AKIA${n}`,
    SecretAccessKey: `secret${n}`,
    SessionToken: `token${n}`,
    Expiration: new Date(Date.now() + expiresInMs),
  },
});

/** IAM's wildcard match (`*` any run of characters, `?` one), case-sensitive as for ARNs. */
function iamMatch(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** Whether the policy allows `action` on `resource` (conditions aside). */
function allows(policy: ReturnType<typeof tenantSessionPolicy>, action: string, resource: string): boolean {
  return policy.Statement.some(
    (statement) =>
      statement.Action.includes(action) && statement.Resource.some((pattern) => iamMatch(pattern, resource)),
  );
}

describe('the session policy', () => {
  const policy = tenantSessionPolicy(scope);
  const objectArn = (key: string) => `arn:aws:s3:::data-bucket/${key}`;

  test("allows reading and writing the tenant's own objects, tagging included", () => {
    const key = `tenants/${scope.tenantId}/training-jobs/tj_01/snapshots/iter_100.caffemodel`;
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload']) {
      expect(allows(policy, action, objectArn(key))).toBe(true);
    }
  });

  test("allows no object of another tenant, of a tenant whose id starts with this one's, or outside tenants/", () => {
    for (const key of [
      'tenants/0d9e5c1b-2a3f-4e6d-8b7c-1a2b3c4d5e6f/datasets/ds_01/training.mdb',
      `tenants/${scope.tenantId}x/datasets/ds_01/training.mdb`,
      `tenants/${scope.tenantId}`,
      'other/file',
    ]) {
      for (const action of ['s3:GetObject', 's3:PutObject']) expect(allows(policy, action, objectArn(key))).toBe(false);
    }
    expect(allows(policy, 's3:DeleteObject', objectArn(`tenants/${scope.tenantId}/x`))).toBe(false);
  });

  test("lists only under the tenant's prefix, and touches only items of its partition", () => {
    const listing = policy.Statement.find((statement) => statement.Action.includes('s3:ListBucket'))!;
    expect(listing.Resource).toEqual(['arn:aws:s3:::data-bucket']);
    expect(listing.Condition).toEqual({ StringLike: { 's3:prefix': [`tenants/${scope.tenantId}/*`] } });

    const items = policy.Statement.find((statement) =>
      statement.Action.some((action) => action.startsWith('dynamodb:')),
    )!;
    expect(items.Resource).toEqual(['arn:aws:dynamodb:*:*:table/records']);
    expect(items.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`TENANT#${scope.tenantId}`] },
    });
    // No scans (they have no leading key) and no deletes.
    expect(items.Action.filter((action) => /Scan|Delete/.test(action))).toEqual([]);
    // Besides publishing job state events (the bus is named by the role's own policy), nothing
    // else: every other statement has a tenant-specific resource or condition.
    const others = policy.Statement.filter((statement) => statement.Sid !== 'JobEvents');
    expect(others).toHaveLength(3);
    expect(policy.Statement.find((statement) => statement.Sid === 'JobEvents')?.Action).toEqual(['events:PutEvents']);
  });

  test('fits the 2,048-character limit with the longest names', () => {
    const longest = tenantSessionPolicy({
      partition: 'aws-us-gov',
      bucket: 'b'.repeat(63),
      table: 't'.repeat(255),
      tenantId: 'AROA'.padEnd(128, 'x'),
    });
    expect(JSON.stringify(longest).length).toBeLessThanOrEqual(maxSessionPolicyChars);
  });

  test('takes IAM caller ids as tenants, and refuses ids that would widen the policy', () => {
    expect(() => tenantSessionPolicy({ ...scope, tenantId: 'AROAEXAMPLEID:alice@example.com' })).not.toThrow();
    for (const tenantId of ['*', 'a?', '${aws:username}', 'a/b', '']) {
      expect(() => tenantSessionPolicy({ ...scope, tenantId })).toThrow(/refusing to scope credentials/);
    }
  });
});

describe('the credentials provider', () => {
  const sts = mockClient(STSClient);
  const roleArn = 'arn:aws-cn:iam::123456789012:role/TenantRole';

  beforeEach(() => sts.reset());

  test('assumes the tenant role once with the session policy, and reuses the session while it is fresh', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(session(1, 3600_000));
    const provider = tenantCredentialsProvider(roleArn, scope, sessionNameFor('tj_01abc'), new STSClient({}));

    const first = await provider();
    const second = await provider();

    expect(first).toMatchObject({ accessKeyId: 'AKIA1', secretAccessKey: 'secret1', sessionToken: 'token1' });
    expect(second).toBe(first);
    const calls = sts.commandCalls(AssumeRoleCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toMatchObject({ RoleArn: roleArn, RoleSessionName: 'worker-tj_01abc', DurationSeconds: 3600 });
    // The partition comes from the role's ARN.
    expect(JSON.parse(input.Policy!)).toEqual(tenantSessionPolicy({ ...scope, partition: 'aws-cn' }));
  });

  test('assumes the role again when the session is about to expire', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(session(1, 60_000)).resolvesOnce(session(2, 3600_000));
    const provider = tenantCredentialsProvider(roleArn, scope, 'worker-x', new STSClient({}));

    expect((await provider()).accessKeyId).toBe('AKIA1');
    expect((await provider()).accessKeyId).toBe('AKIA2');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  test('session names keep to the characters and length STS accepts', () => {
    expect(sessionNameFor('tj_01j9x/..')).toBe('worker-tj_01j9x-..');
    expect(sessionNameFor('x'.repeat(100))).toHaveLength(64);
  });
});

describe('useTenantCredentials', () => {
  const names = [envNames.workerTenantRoleArn, envNames.bucket, envNames.table];
  const saved = names.map((name) => process.env[name]);
  const sts = mockClient(STSClient);
  afterEach(() => {
    names.forEach((name, i) => {
      if (saved[i] === undefined) delete process.env[name];
      else process.env[name] = saved[i];
    });
    useCredentials(undefined);
    resetClients();
    sts.reset();
  });

  test('does nothing without a tenant role (local mode)', async () => {
    delete process.env[envNames.workerTenantRoleArn];
    const before = s3();

    await useTenantCredentials(scope.tenantId, 'tj_01');

    expect(s3()).toBe(before);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  test('with a tenant role, every client made afterwards signs with the tenant session', async () => {
    process.env[envNames.workerTenantRoleArn] = 'arn:aws:iam::123456789012:role/TenantRole';
    process.env[envNames.bucket] = 'data-bucket';
    process.env[envNames.table] = 'records';
    sts.on(AssumeRoleCommand).resolves(session(7, 3600_000));

    await useTenantCredentials(scope.tenantId, 'tj_01');

    const client: S3Client = s3();
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'AKIA7', sessionToken: 'token7' });
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });
});
