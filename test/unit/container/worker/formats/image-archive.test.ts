/** The image tar a dataset keeps for ImageData layers: the listed images under images/, and list.txt. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { list } from 'tar';
import { extractArchive } from '../../../../../container/worker/archive';
import { packImages } from '../../../../../container/worker/formats/image-archive';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'image-archive-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

test('holds exactly the listed images (names with spaces too) and the list, and extracts safely', async () => {
  const root = path.join(work, 'datafile');
  for (const dir of ['cat', 'dog']) await mkdir(path.join(root, dir), { recursive: true });
  await writeFile(path.join(root, 'cat', 'a.png'), 'A');
  await writeFile(path.join(root, 'dog', 'b c.png'), 'B');
  await writeFile(path.join(root, 'dog', 'other-side.png'), 'not listed');
  const listFile = path.join(work, 'training.txt');
  await writeFile(listFile, 'dog/b c.png 1\ncat/a.png 0\n');
  const tarFile = path.join(work, 'training-images.tar');

  await packImages(root, listFile, tarFile);

  const entries: string[] = [];
  await list({ file: tarFile, onReadEntry: (entry) => entries.push(entry.path) });
  expect(entries.sort()).toEqual(['images/cat/a.png', 'images/dog/b c.png', 'list.txt']);
  const out = path.join(work, 'out');
  await extractArchive(tarFile, out);
  expect(await readFile(path.join(out, 'list.txt'), 'utf8')).toBe('dog/b c.png 1\ncat/a.png 0\n');
  expect(await readFile(path.join(out, 'images', 'dog', 'b c.png'), 'utf8')).toBe('B');
});
