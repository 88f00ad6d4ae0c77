/** Which datafile format an extracted archive holds, judged by its content (not its name). */
import { findDatumDb } from './datum-db';
import { findIdxFiles } from './idx';

import type { DatafileFormat } from '../../../core/records/types';

export { datafileFormats, type DatafileFormat } from '../../../core/records/types';

export async function detectFormat(root: string): Promise<DatafileFormat> {
  if (await findDatumDb(root, 'lmdb')) return 'lmdb';
  if (await findDatumDb(root, 'leveldb')) return 'leveldb';
  if ((await findIdxFiles(root)).images.length) return 'idx';
  return 'image-folders';
}
