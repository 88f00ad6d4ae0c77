/**
 * Builds an image for a container test, as the global setup installs Caffe: the first run installs
 * what the build needs (buildah and debootstrap, with apt-get as root) and builds the image, showing
 * its steps as it goes; a failure says why, with the end of the build's output.
 */
import type { BuiltImage, ImageBuildOptions } from '../../packaging/images/buildah';

export async function buildForTest<T extends BuiltImage>(
  label: string,
  build: (options: ImageBuildOptions) => Promise<T>,
): Promise<T> {
  const buildLog: string[] = [];
  try {
    return await build({
      installMissingTools: process.getuid?.() === 0,
      log: (line) => {
        buildLog.push(line);
        process.stderr.write(`[${label}] ${line}\n`);
      },
    });
  } catch (error) {
    throw new Error(`cannot build the ${label}: ${(error as Error).message}\n${buildLog.slice(-20).join('\n')}`);
  }
}
