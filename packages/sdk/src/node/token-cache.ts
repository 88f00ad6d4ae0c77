/** Tokens (Cognito's, a local one) in a file only its owner may read (0600): a sign-in lasts across commands. */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { TokenCache } from '../auth';

export function fileTokenCache<T>(file: string): TokenCache<T> {
  return {
    async load() {
      try {
        return JSON.parse(await readFile(file, 'utf8')) as T;
      } catch {
        return undefined;
      }
    },
    async save(tokens) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // Written aside and renamed: a reader never sees half a file, and the mode is set before the tokens land.
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(tokens), { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, file);
    },
  };
}
