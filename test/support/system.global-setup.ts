/**
 * Runs once before the tiers that run the system (integration, e2e, container; jest.config.js): makes sure real Caffe
 * (and pycaffe, for classify) and the Fashion-MNIST data are installed (the first run downloads and unpacks them,
 * showing progress; later runs are a no-op). The unit and infra tiers need none of it, and never wait for it.
 */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { defaultCallLogDir } from '../../core/aws/call-log';
import { ensureCaffe, ensureFashionMnist, ensurePycaffe } from '../../local/caffe/install';

export default async function globalSetup(): Promise<void> {
  // Each run records a fresh AWS call log (test/support/record-aws-calls.setup.ts), so no stale call is checked.
  await rm(path.join(__dirname, '..', '..', defaultCallLogDir), { recursive: true, force: true });
  process.env.CAFFE_PREFIX = await ensureCaffe();
  await ensurePycaffe();
  await ensureFashionMnist();
}
