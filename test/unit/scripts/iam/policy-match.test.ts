import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AwsCall } from '../../../../core/aws/call-log';
import { resourceOf } from '../../../../core/aws/call-log';
import { check } from '../../../../scripts/check-iam';
import { allows, type Statement, wildcardSource } from '../../../../scripts/iam/policy-match';
import { requestsOf } from '../../../../scripts/iam/requests';
import { Assembly } from '../../../../scripts/iam/template';

const anyName = '[^/]*';
const table = `arn:aws:dynamodb:${anyName}:${anyName}:table/${anyName}`;
const tableArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/records';

describe('IAM policy matching', () => {
  it('allows an action granted by a wildcard on a matching resource', () => {
    const statements: Statement[] = [
      { effect: 'Allow', actions: ['s3:Get*'], resources: [wildcardSource('arn:aws:s3:::b/tenants/*')] },
    ];
    expect(allows(statements, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/tenants/t1/x' })).toBe(true);
    expect(allows(statements, { action: 's3:PutObject', resource: 'arn:aws:s3:::b/tenants/t1/x' })).toBe(false);
    expect(allows(statements, { action: 's3:GetObject', resource: 'arn:aws:s3:::b/other/x' })).toBe(false);
  });

  it("does not let a table's grant cover its indexes", () => {
    const statements: Statement[] = [{ effect: 'Allow', actions: ['dynamodb:Query'], resources: [table] }];
    expect(allows(statements, { action: 'dynamodb:Query', resource: tableArn })).toBe(true);
    expect(allows(statements, { action: 'dynamodb:Query', resource: `${tableArn}/index/byStatus` })).toBe(false);
  });

  it('evaluates a tenant condition on the partition keys a call touches', () => {
    const statements: Statement[] = [
      {
        effect: 'Allow',
        actions: ['dynamodb:GetItem'],
        resources: [table],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [wildcardSource('TENANT#t1')] } },
      },
    ];
    const request = (key: string) => ({
      action: 'dynamodb:GetItem',
      resource: tableArn,
      context: { 'dynamodb:LeadingKeys': [key] },
    });
    expect(allows(statements, request('TENANT#t1'))).toBe(true);
    expect(allows(statements, request('TENANT#t2'))).toBe(false);
  });

  it('requires s3:prefix to match for a conditioned listing, and lets a Deny win', () => {
    const statements: Statement[] = [
      {
        effect: 'Allow',
        actions: ['s3:ListBucket'],
        resources: [wildcardSource('arn:aws:s3:::b')],
        conditions: { StringLike: { 's3:prefix': [wildcardSource('tenants/t1/*')] } },
      },
    ];
    const list = (prefix: string) => ({
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::b',
      context: { 's3:prefix': [prefix] },
    });
    expect(allows(statements, list('tenants/t1/jobs/'))).toBe(true);
    expect(allows(statements, list('tenants/t2/'))).toBe(false);
    const denied = [...statements, { effect: 'Deny' as const, actions: ['s3:*'], resources: ['.*'] }];
    expect(allows(denied, list('tenants/t1/jobs/'))).toBe(false);
  });
});

describe('IAM requests of recorded calls', () => {
  it('maps multipart, copy and batch deletes to the actions IAM checks', () => {
    const call = (action: string, input: Record<string, unknown>): AwsCall => ({
      service: 'S3',
      action,
      ...resourceOf(input),
    });
    expect(requestsOf(call('UploadPart', { Bucket: 'b', Key: 'k' }))).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' },
    ]);
    expect(requestsOf(call('CopyObject', { Bucket: 'b', Key: 'k2', CopySource: 'b/k1' })).map((r) => r.action)).toEqual(
      ['s3:PutObject', 's3:GetObject'],
    );
    expect(
      requestsOf(call('DeleteObjects', { Bucket: 'b', Delete: { Objects: [{ Key: 'a' }, { Key: 'c' }] } })),
    ).toHaveLength(2);
  });

  it("names a Query on an index by the index's ARN, and a key's partition as LeadingKeys", () => {
    const query = resourceOf({ TableName: 'records', IndexName: 'byStatus', KeyConditionExpression: 'statusKey = :s' });
    expect(requestsOf({ service: 'DynamoDB', action: 'Query', ...query })).toEqual([
      { action: 'dynamodb:Query', resource: `${tableArn}/index/byStatus` },
    ]);
    const get = resourceOf({ TableName: 'records', Key: { pk: { S: 'TENANT#t1' }, sk: { S: 'x' } } });
    expect(requestsOf({ service: 'DynamoDB', action: 'GetItem', ...get })[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['TENANT#t1'],
    });
    const batchGet = resourceOf({
      RequestItems: {
        records: {
          Keys: [
            { pk: { S: 'TENANT#t1' }, sk: { S: 'a' } },
            { pk: 'TENANT#t2', sk: 'b' },
          ],
        },
      },
    });
    expect(batchGet).toMatchObject({ table: 'records', partitionKeys: ['TENANT#t1', 'TENANT#t2'] });
  });

  it('fails a call its function may not make and reports grants no call used', () => {
    const principals = new Map<string, Statement[]>([
      ['Reader', [{ effect: 'Allow', actions: ['dynamodb:GetItem', 'dynamodb:Scan'], resources: [table] }]],
    ]);
    const calls: AwsCall[] = [
      { caller: 'Reader', service: 'DynamoDB', action: 'GetItem', table: 'records' },
      { caller: 'Reader', service: 'DynamoDB', action: 'PutItem', table: 'records' },
      { service: 'DynamoDB', action: 'CreateTable', table: 'records' },
    ];
    const result = check(calls, principals);
    expect([...result.denied.keys()]).toEqual([`Reader: dynamodb:PutItem on ${tableArn}`]);
    expect(result.unused).toEqual([{ name: 'Reader', action: 'dynamodb:Scan' }]);
  });
});

describe('IAM policies of a synthesized assembly', () => {
  it("resolves a nested stack's parameter to the value its parent passes (a table's ARN)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-assembly-'));
    const templateHash = 'a'.repeat(64);
    const write = (file: string, template: object) => fs.writeFileSync(path.join(dir, file), JSON.stringify(template));
    write('Parent.template.json', {
      Resources: {
        Records: { Type: 'AWS::DynamoDB::Table' },
        Routes: {
          Type: 'AWS::CloudFormation::Stack',
          Properties: {
            Parameters: { RecordsArn: { 'Fn::GetAtt': ['Records', 'Arn'] } },
            TemplateURL: { 'Fn::Join': ['', ['https://s3.', { Ref: 'AWS::Region' }, `/assets/${templateHash}.json`]] },
          },
        },
      },
    });
    write('Parent.assets.json', { files: { [templateHash]: { source: { path: 'Routes.nested.template.json' } } } });
    write('Routes.nested.template.json', {
      Parameters: { RecordsArn: { Type: 'String' } },
      Resources: {
        Reader: {
          Type: 'AWS::Lambda::Function',
          Properties: { Role: { 'Fn::GetAtt': ['ReaderRole', 'Arn'] } },
          Metadata: { 'aws:cdk:path': 'Parent/Routes/Reader/Resource' },
        },
        ReaderRole: { Type: 'AWS::IAM::Role' },
        ReaderPolicy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            Roles: [{ Ref: 'ReaderRole' }],
            PolicyDocument: {
              Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: { Ref: 'RecordsArn' } }],
            },
          },
        },
      },
    });
    try {
      const statements = new Assembly(dir).principals().get('Reader') ?? [];
      expect(allows(statements, { action: 'dynamodb:GetItem', resource: tableArn })).toBe(true);
      expect(allows(statements, { action: 'dynamodb:GetItem', resource: `${tableArn}/index/byStatus` })).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
