/**
 * The classify function's container image (container/Dockerfile.classify), built by the deploy
 * from the context packaging/classify-context.ts stages: the handler bundle, server.py and the
 * Dockerfile, nothing else, so the asset hash changes exactly when one of them does.
 */
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { Route } from '../../core/route';
import * as path from 'node:path';
import { buildClassifyImageContext, classifyDockerfile } from '../../packaging/classify-context';
import { withBuildLock } from '../../packaging/bundle';

/**
 * Stages the context for the route's function and fingerprints it, under the same lock as the worker
 * image: parallel synths (jest workers) would otherwise hash files another process is rewriting.
 */
export function classifyImageCode(scope: Construct, id: string, route: Route): lambda.DockerImageCode {
  return withBuildLock(path.resolve(__dirname, '..', '..', 'container', 'build'), () => {
    const directory = buildClassifyImageContext(route);
    // Debian's Caffe packages are amd64, whatever machine runs the deploy.
    const asset = new DockerImageAsset(scope, id, {
      directory,
      file: classifyDockerfile,
      platform: Platform.LINUX_AMD64,
    });
    // The asset exists (and is hashed) here, inside the lock; DockerImageCode.fromImageAsset would make it later.
    return lambda.DockerImageCode.fromEcr(asset.repository, { tagOrDigest: asset.imageTag });
  });
}
