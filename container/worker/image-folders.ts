/**
 * Reads an extracted image-folders datafile: one folder per label, images inside. A single
 * wrapping folder (`fashion/0/x.png`) is looked through, so archives made with `tar czf x.tgz dir`
 * work as well as archives made from inside the folder.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { PermanentFailure } from './errors';
import { imageExtensions } from './image-info';

export interface LabelledImages {
  /** Label folder name → image paths relative to `root`, sorted. */
  byLabel: Map<string, string[]>;
  root: string;
}

const ignored = (name: string) => name.startsWith('.') || name === '__MACOSX';

async function walk(dir: string, base: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (ignored(entry.name)) continue;
    const relative = path.posix.join(base, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path.join(dir, entry.name), relative)));
    else if (entry.isFile() && imageExtensions.test(entry.name)) found.push(relative);
  }
  return found;
}

/** Groups the images under `root` by label folder. */
export async function readImageFolders(root: string, label: string): Promise<LabelledImages> {
  const { byLabel, wrapper } = groupImagePaths(await walk(root, ''), label);
  return { byLabel, root: wrapper ? path.join(root, wrapper) : root };
}

/** Whether an archive member (a relative file path) is an image the walk above would find. */
export const isImagePath = (relative: string): boolean =>
  imageExtensions.test(relative) && !relative.split('/').some(ignored);

/**
 * The grouping of readImageFolders over a list of image paths (relative, `/`-separated), for
 * archives read without extracting them: the label folders (paths relative to the wrapping
 * folder, if there is one), and that folder.
 */
export function groupImagePaths(paths: string[], label: string): { byLabel: Map<string, string[]>; wrapper?: string } {
  let images = paths;
  let wrapper: string | undefined;
  const firstSegments = new Set(images.map((image) => image.split('/')[0]));
  if (firstSegments.size === 1 && images.every((image) => image.split('/').length >= 3)) {
    wrapper = [...firstSegments][0]!;
    images = images.map((image) => image.slice(wrapper!.length + 1));
  }
  const loose = images.find((image) => !image.includes('/'));
  if (loose)
    throw new PermanentFailure(`${label}: image "${loose}" is not inside a label folder (expected <label>/<image>)`);
  if (!images.length) throw new PermanentFailure(`${label} contains no PNG, JPEG or BMP images in label folders`);
  const byLabel = new Map<string, string[]>();
  for (const image of images.sort()) {
    const labelName = image.split('/')[0]!;
    const list = byLabel.get(labelName);
    if (list) list.push(image);
    else byLabel.set(labelName, [image]);
  }
  return { byLabel, ...(wrapper !== undefined ? { wrapper } : {}) };
}
