/**
 * What the SDK package promises beyond single functions: the browser entries load no Node built-in
 * (Node-only code sits under `@elastic-caffe/sdk/node`), its copy of the service's limits matches
 * the service's, and classify batches stay within them.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyLimits as serviceLimits } from '../../../../core/api/classifiers';
import { classifyLimits, collectionOfId, syncBatches, type ClassifyImage } from '@elastic-caffe/sdk';
import { newId } from '../../../../core/ids';
import { collections } from '../../../../core/collections';

const src = path.join(__dirname, '..', '..', '..', '..', 'packages', 'sdk', 'src');

/** Every module an entry reaches through relative imports, and every bare module it names. */
function reach(
  entry: string,
  seen = new Set<string>(),
  bare = new Set<string>(),
): { files: Set<string>; bare: Set<string> } {
  if (seen.has(entry)) return { files: seen, bare };
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const [, specifier] of text.matchAll(/^(?:import|export)\s(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) {
    if (!specifier!.startsWith('.')) bare.add(specifier!);
    else reach(path.join(path.dirname(entry), `${specifier}.ts`), seen, bare);
  }
  return { files: seen, bare };
}

test.each(['index.ts', 'cognito.ts'])(
  'the browser entry %s reaches no Node built-in and nothing under node/',
  (entry) => {
    const { files, bare } = reach(path.join(src, entry));
    // the walk does read imports
    expect(bare.has('openapi-fetch') || bare.has('@aws-sdk/client-cognito-identity-provider')).toBe(true);
    expect(
      [...bare].filter(
        (m) => m.startsWith('node:') || ['fs', 'path', 'http', 'https', 'stream', 'os', 'crypto'].includes(m),
      ),
    ).toEqual([]);
    expect([...files].filter((f) => f.includes(`${path.sep}node${path.sep}`))).toEqual([]);
  },
);

test("the SDK's classify limits are the service's", () => {
  expect(classifyLimits).toEqual(serviceLimits);
});

test('ids of every collection are recognised by their prefix', () => {
  for (const collection of collections) expect(collectionOfId(newId(collection))).toBe(collection);
  expect(collectionOfId('tj_short')).toBeUndefined();
});

test('classify batches hold at most the images and bytes one synchronous call accepts, in input order', () => {
  const image = (i: number, size: number): ClassifyImage => ({ name: `${i}.png`, size, read: () => new Blob([]) });
  const images = [
    ...Array.from({ length: 20 }, (_, i) => image(i, 1000)),
    image(20, 4 * 1024 * 1024),
    image(21, 2 * 1024 * 1024),
  ];
  const batches = syncBatches(images);
  expect(batches.map((b) => b.length)).toEqual([16, 5, 1]);
  expect(batches.flat().map((i) => i.name)).toEqual(images.map((i) => i.name));
  for (const batch of batches)
    expect(batch.reduce((sum, i) => sum + i.size, 0)).toBeLessThanOrEqual(classifyLimits.maxTotalBytes);
  expect(() => syncBatches([image(0, classifyLimits.maxTotalBytes + 1)])).toThrow(/at most/);
});
