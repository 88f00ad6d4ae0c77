/**
 * The CLI keeps fetch's WebAssembly parser on V8's baseline tier, and sets that flag only once
 * undici is loaded: a V8 flag changed earlier would make Node compile undici without its code cache
 * (packages/cli/src/fetch-parser.ts). Run in a child process of its own, where nothing has loaded
 * undici before, with the flag call recorded instead of made.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { buildCli, repoRoot } from '../../../../support/ecaffe';

test('the parser flag is set once, after undici is loaded, and is --liftoff-only', () => {
  buildCli();
  const compiled = path.join(repoRoot, 'packages', 'cli', 'dist', 'fetch-parser.js');
  const script = `
    const v8 = require('node:v8');
    const undici = 'NativeModule internal/deps/undici/undici';
    const calls = [];
    v8.setFlagsFromString = (flags) => calls.push({ flags, undiciLoaded: process.moduleLoadList.includes(undici) });
    const before = process.moduleLoadList.includes(undici);
    const { keepFetchParserUnoptimized } = require(${JSON.stringify(compiled)});
    keepFetchParserUnoptimized();
    keepFetchParserUnoptimized();
    process.stdout.write(JSON.stringify({ before, calls }));`;
  const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as unknown;
  expect(result).toEqual({ before: false, calls: [{ flags: '--liftoff-only', undiciLoaded: true }] });
});
