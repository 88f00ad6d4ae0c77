/**
 * Integration and e2e tests record every AWS call the local cloud's functions and workers make
 * (core/aws/call-log.ts) under `.local/aws-calls/`, which `npm run check:iam` checks against the
 * synthesized IAM policies. The global setup empties the folder at the start of each run.
 */
import * as path from 'node:path';
import { defaultCallLogDir } from '../../core/aws/call-log';
import { envNames } from '../../core/config';

process.env[envNames.awsCallLog] ??= path.join(__dirname, '..', '..', defaultCallLogDir);
