/**
 * `npm run check:iam`: proves every AWS call the test suites recorded in the local cloud
 * (core/aws/call-log.ts, `.local/aws-calls/`) is allowed by the synthesized role of the function
 * that made it, so a deploy never meets AccessDenied for a grant we forgot. A missing grant fails,
 * naming function, action and resource. The other way, granted actions no recorded call used are
 * reported (not failed), except those no SDK call ever shows (`neverRecorded`).
 *
 * Usage: tsx scripts/check-iam.ts [call-log folder] [--assembly=<a synthesized cloud assembly>]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type AwsCall, defaultCallLogDir } from '../core/aws/call-log';
import { createApp } from '../lib/create-app';
import { allows, type Request, type Statement, wildcardSource } from './iam/policy-match';
import { requestsOf } from './iam/requests';
import { Assembly } from './iam/template';

/** Granted actions that never show as a recorded SDK call, and why. */
export const neverRecorded: Record<string, string> = {
  'logs:*': "Lambda's and Batch's own log delivery",
  'xray:*': "the X-Ray daemon's segments (tracing: Active)",
  'kms:*': 'S3 and SQS encryption on the service side',
  'sqs:ChangeMessageVisibility': 'the Lambda event source mapping (failed batch items)',
  'sqs:GetQueueUrl': 'the Lambda event source mapping',
  'batch:TagResource': 'SubmitJob with tags (authorized as batch:CreateAction SubmitJob)',
  's3:AbortMultipartUpload': 'a failed multipart upload only',
  'sts:AssumeRole': 'the worker assumes its tenant role on AWS only (no STS locally)',
  'events:PutEvents': 'best effort publishing: recorded only when a job changes state in the suites run',
};

const root = path.resolve(__dirname, '..');

function readCalls(folder: string): AwsCall[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => fs.readFileSync(path.join(folder, file), 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AwsCall);
}

function synthesize(): Assembly {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: object };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'elastic-caffe-check-iam-'));
  // Path metadata names every function by its construct id, the name its calls were recorded under.
  const context = { ...cdkJson.context, 'aws:cdk:enable-path-metadata': true };
  const assembly = createApp({ context, outdir }).app.synth();
  return new Assembly(assembly.directory);
}

/** The check's findings: denied calls (failures), unused grants, callers without a role. */
export function check(calls: readonly AwsCall[], principals: Map<string, Statement[]>) {
  const denied = new Map<string, number>();
  const used = new Map<string, Request[]>();
  const unknownCallers = new Set<string>();
  const unmapped = new Set<string>();
  for (const call of calls) {
    if (!call.caller) continue; // the local harness or a test itself, not a function
    const statements = principals.get(call.caller);
    if (!statements) {
      unknownCallers.add(call.caller);
      continue;
    }
    const requests = requestsOf(call);
    if (requests.length === 0) unmapped.add(`${call.service}:${call.action}`);
    for (const request of requests) {
      used.set(call.caller, [...(used.get(call.caller) ?? []), request]);
      if (allows(statements, request)) continue;
      const context = request.context ? ` ${JSON.stringify(request.context)}` : '';
      const finding = `${call.caller}: ${request.action} on ${request.resource}${context}`;
      denied.set(finding, (denied.get(finding) ?? 0) + 1);
    }
  }
  const unused: { name: string; action: string }[] = [];
  for (const [name, statements] of principals) {
    const requests = used.get(name) ?? [];
    if (requests.length === 0) continue; // not exercised by the suites run: nothing to say either way
    const actions = new Set(statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions));
    for (const action of actions) {
      const pattern = new RegExp(`^${wildcardSource(action)}$`, 'i');
      const exempt = Object.keys(neverRecorded).some((a) => new RegExp(`^${wildcardSource(a)}$`, 'i').test(action));
      if (!exempt && !requests.some((request) => pattern.test(request.action))) unused.push({ name, action });
    }
  }
  return { denied, unused, unknownCallers, unmapped, exercised: [...used.keys()] };
}

function main(): void {
  const args = process.argv.slice(2);
  const assemblyDir = args.find((arg) => arg.startsWith('--assembly='))?.slice('--assembly='.length);
  const folder = path.resolve(root, args.find((arg) => !arg.startsWith('--')) ?? defaultCallLogDir);
  const calls = readCalls(folder);
  const attributed = calls.filter((call) => call.caller);
  if (attributed.length === 0) {
    console.error(`check:iam: no recorded calls in ${folder}; run the integration or e2e tests first`);
    process.exit(1);
  }
  const principals = (assemblyDir ? new Assembly(assemblyDir) : synthesize()).principals();
  const result = check(calls, principals);
  console.log(
    `check:iam: ${attributed.length} calls of ${result.exercised.length} of ${principals.size} principals ` +
      `(${calls.length - attributed.length} unattributed calls of the local harness ignored)`,
  );
  for (const name of result.unknownCallers) console.log(`  ?? calls recorded for ${name}, no such function or role`);
  for (const action of result.unmapped) console.log(`  ?? ${action}: no IAM mapping (scripts/iam/requests.ts)`);
  // Grouped by action: a table's read-write grant leaves the same few actions unused in many functions.
  const unusedBy = new Map<string, string[]>();
  for (const { name, action } of result.unused) unusedBy.set(action, [...(unusedBy.get(action) ?? []), name]);
  for (const [action, names] of [...unusedBy].sort())
    console.log(`  unused grant: ${action} (${names.length}: ${names.join(', ')})`);
  for (const [finding, count] of result.denied) console.log(`  DENIED (${count}×) ${finding}`);
  const failed = result.denied.size > 0 || result.unknownCallers.size > 0;
  console.log(failed ? 'check:iam: FAILED' : 'check:iam: every recorded call is allowed');
  if (failed) process.exit(1);
}

if (require.main === module) main();
