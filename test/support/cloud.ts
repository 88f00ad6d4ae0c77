/**
 * Starts a real local cloud for a test file: emulators, the Batch emulator running the real
 * worker with real Caffe, and the gateway — in a fresh temporary home, on ephemeral ports.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { issueToken } from '../../local/auth';
import { ensureCaffe } from '../../local/caffe/install';
import { ElasticCaffeClient } from '../support/client';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../local/cloud';

export interface TestCloud {
  cloud: LocalCloud;
  home: string;
  /** An API client acting as the tenant. */
  as(tenant: string): Promise<ElasticCaffeClient>;
  /** Stops the cloud; keeps the home (for restart tests) unless `keepHome` is false. */
  stop(options?: { keepHome?: boolean }): Promise<void>;
}

export async function startTestCloud(options: Partial<LocalCloudOptions> = {}): Promise<TestCloud> {
  const home = options.home ?? (await mkdtemp(path.join(os.tmpdir(), 'elastic-caffe-test-')));
  const cloud = await startLocalCloud({
    port: 0,
    caffePrefix: await ensureCaffe(),
    workers: 2,
    terminateGraceMs: 2000,
    ...options,
    home,
  });
  return {
    cloud,
    home,
    as: async (tenant) => new ElasticCaffeClient(cloud.url, await issueToken(home, tenant)),
    async stop({ keepHome = false } = {}) {
      await cloud.close();
      if (!keepHome) await rm(home, { recursive: true, force: true });
    },
  };
}
