/**
 * Builds the worker's container image (container/Dockerfile) on this machine with buildah, the way
 * the AWS build does with Docker, so the image the Batch jobs run is proven here, not assumed.
 *
 * The two images the Dockerfile starts from are made locally (packaging/images/buildah.ts,
 * node-image.ts): its base, `FROM debian:bullseye-slim`, debootstrapped; its Node stage
 * (`ARG NODE_IMAGE`), that base plus this machine's own Node binary. Then `buildah bud --isolation
 * chroot --layers` builds the Dockerfile itself: the same file, with only NODE_IMAGE passed in, so
 * the two paths cannot drift apart.
 *
 * Idempotent: an image that exists is not made again and buildah's layer cache skips every
 * Dockerfile step whose inputs didn't change (a rebuild takes a second). Needs root.
 *
 * Run as a script (`npm run image:worker`) it installs buildah and debootstrap with apt-get when
 * they are missing, builds with progress on stderr and prints the image name.
 */
import * as path from 'node:path';
import { buildWorkerBundle } from '../worker-bundle';
import { buildImage, imageCli, type BuiltImage, type ImageBuildOptions } from './buildah';
import { hostNodeImage } from './node-image';

const root = path.resolve(__dirname, '..', '..');
export const workerDockerfile = path.join(root, 'container', 'Dockerfile');
/** The tag the locally built worker image gets (buildah stores it as localhost/elastic-caffe-worker:local). */
export const localWorkerImage = 'localhost/elastic-caffe-worker:local';

export type WorkerImage = BuiltImage;

/** Builds (or finds up to date) the worker image and returns its name and id. */
export function buildWorkerImage(options: ImageBuildOptions = {}): Promise<WorkerImage> {
  return buildImage(
    {
      tag: localWorkerImage,
      dockerfile: workerDockerfile,
      nodeImage: hostNodeImage,
      context: (log) => {
        log(`worker bundle: ${buildWorkerBundle()}`);
        return { dir: path.dirname(workerDockerfile), dockerfile: workerDockerfile };
      },
    },
    options,
  );
}

if (require.main === module) imageCli(buildWorkerImage);
