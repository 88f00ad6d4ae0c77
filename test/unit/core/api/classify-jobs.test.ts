/**
 * The pure parts of classify jobs: the request schema, refusing URL images on the sync route, and listing an archive's
 * images.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createClassifyJobBody } from '../../../../core/api/classify-jobs';
import { ValidationError } from '../../../../core/errors';
import { refuseUrlImages } from '../../../../core/usecases/classifiers-classify';
import { archiveEntries } from '../../../../container/worker/classify';

describe('createClassifyJobBody', () => {
  it('accepts URL images, an archive, or both', () => {
    expect(createClassifyJobBody.safeParse({ images: [{ url: 'https://example.com/a.png' }] }).success).toBe(true);
    expect(createClassifyJobBody.safeParse({ archive: true }).success).toBe(true);
    expect(
      createClassifyJobBody.safeParse({ archive: true, images: [{ url: 'https://example.com/a.png' }], topK: 3 })
        .success,
    ).toBe(true);
  });

  it('refuses a job with nothing to classify, naming images', () => {
    const result = createClassifyJobBody.safeParse({ archive: false, images: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['images']);
  });

  it('refuses base64 images (those belong to the synchronous route)', () => {
    expect(createClassifyJobBody.safeParse({ images: [{ base64: 'AAAA' }] }).success).toBe(false);
  });
});

describe('refuseUrlImages', () => {
  it('passes inline images through', () => {
    expect(() => refuseUrlImages({ images: [{ base64: 'AAAA' }] })).not.toThrow();
    expect(() => refuseUrlImages(null)).not.toThrow();
  });

  it('names every url image and points at classify-jobs', () => {
    let thrown: unknown;
    try {
      refuseUrlImages({ images: [{ base64: 'AAAA' }, { url: 'https://example.com/a.png' }] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).errors).toEqual([
      { field: 'images.1.url', message: expect.stringContaining('classify-jobs') },
    ]);
  });
});

describe('archiveEntries', () => {
  it('lists regular files at any depth, sorted, skipping hidden files and __MACOSX', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'classify-entries-'));
    await mkdir(path.join(root, 'b', 'c'), { recursive: true });
    await mkdir(path.join(root, '__MACOSX'));
    for (const file of ['z.png', 'b/a.jpg', 'b/c/d.png', '.DS_Store', '__MACOSX/._z.png'])
      await writeFile(path.join(root, file), 'x');
    expect(await archiveEntries(root)).toEqual(['b/a.jpg', 'b/c/d.png', 'z.png']);
  });
});
