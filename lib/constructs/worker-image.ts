/**
 * The worker's container image, built from container/ by the deploy (`cdk deploy` runs docker).
 * The image contains only the worker bundle, the inference server and the Dockerfiles
 * (container/.dockerignore), so the asset hash changes exactly when one of them does; the bundle
 * is rebuilt here, at synth, so it can never be stale.
 */
import { Annotations } from 'aws-cdk-lib';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildWorkerBundle, workerBundlePath } from '../../packaging/worker-bundle';
import { withBuildLock } from '../../packaging/bundle';

/** The image build context. */
export const containerDir = path.resolve(__dirname, '..', '..', 'container');
const workerEntry = path.join(containerDir, 'worker', 'main.ts');

/**
 * Bundles the worker and fingerprints the image context. Both happen under a lock because
 * parallel synths (jest workers) would otherwise hash a bundle another process is rewriting.
 */
export function workerImage(scope: Construct, id: string, dockerfile: string): ecs.ContainerImage {
  const dockerfilePath = path.join(containerDir, dockerfile);
  if (!fs.existsSync(dockerfilePath))
    throw new Error(`worker image: ${path.relative(process.cwd(), dockerfilePath)} does not exist`);
  return withBuildLock(path.dirname(workerBundlePath), () => {
    if (fs.existsSync(workerEntry)) buildWorkerBundle();
    else if (!fs.existsSync(workerBundlePath)) {
      Annotations.of(scope).addWarningV2(
        'elastic-caffe:noWorkerBundle',
        `${workerEntry} is missing, so there is no worker bundle: the image build will fail until it exists`,
      );
    }
    // The asset (unlike ContainerImage.fromAsset's, made on first use) hashes its context right here.
    // GPU instances are x86_64, whatever machine runs the deploy.
    const asset = new DockerImageAsset(scope, id, {
      directory: containerDir,
      file: dockerfile,
      platform: Platform.LINUX_AMD64,
    });
    return ecs.ContainerImage.fromDockerImageAsset(asset);
  });
}
