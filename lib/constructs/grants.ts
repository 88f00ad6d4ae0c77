/**
 * The grants a function or the worker gets on the data: one definition of "read" and "readWrite"
 * for the table and the bucket, each with the reason for the wildcards it needs.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { tenantObjectsPrefix } from '../../core/topology';
import { acknowledgeFindings } from './nag';

/** How much of a store a principal may use. */
export type Access = 'read' | 'readWrite';

export { tenantObjectsPrefix };

/** Grants item reads (and writes), including queries on the table's indexes. */
export function grantTable(grantee: iam.IGrantable, table: dynamodb.ITable, access: Access): void {
  if (access === 'read') table.grantReadData(grantee);
  else table.grantReadWriteData(grantee);
  acknowledgeFindings(policyOwner(grantee), 'IAM5', [
    {
      pattern: /^Resource::.*\/index\/\*$/,
      reason:
        "Queries use the table's global secondary indexes (byStatus); " +
        "`<table>/index/*` covers only this table's indexes.",
    },
  ]);
}

/**
 * Grants object reads (and writes) under `tenants/`, plus ListBucket, without which S3 answers 403
 * instead of 404 for a missing key (HeadObject decides "not uploaded yet" on that 404).
 */
export function grantBucket(grantee: iam.IGrantable, bucket: s3.IBucket, access: Access): void {
  // ListMultipartUploadParts: resuming and completing large datafile uploads (core/usecases/datafile-uploads.ts).
  const objectActions =
    access === 'read'
      ? ['s3:GetObject']
      : ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: objectActions, resources: [bucket.arnForObjects(`${tenantObjectsPrefix}*`)] }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
  );
  acknowledgeFindings(policyOwner(grantee), 'IAM5', [
    {
      pattern: /^Resource::.*\/tenants\/\*$/,
      reason:
        'Object keys are tenants/<tenantId>/<collection>/<id>/... and are created at run time; ' +
        'the grant is limited to the ' +
        'tenants/ prefix of this one bucket, and handlers only build keys ' +
        "under the caller's own tenant (core/objects.ts).",
    },
  ]);
}

/** The construct whose policies a grant lands in: the role (a function's role is not under the function). */
function policyOwner(grantee: iam.IGrantable): Construct {
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) return principal;
  if (Construct.isConstruct(grantee)) return grantee;
  throw new Error('grant target is not a construct');
}
