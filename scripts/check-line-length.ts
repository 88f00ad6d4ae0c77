/**
 * The house's line limit (npm run lint): no line of code over 120 characters, strings and comments
 * included. Biome's formatter wraps code at 120 but cannot split a string or a comment, so this check
 * covers what it leaves. Reads the files git tracks, so generated and ignored files stay out. It also
 * fails on merge conflict markers left in documents and data files.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const maxColumns = 120;
/** Written by generators (their own line lengths) or data, not code a person edits. */
const exempt = [/^packages\/sdk\/src\/generated\//, /^test\/fixtures\//];

const files = execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.js', '*.cjs', '*.mjs'], { encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && !exempt.some((pattern) => pattern.test(file)));

const findings: string[] = [];
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, line] of lines.entries()) {
    // Count characters as a reader sees them (code points), not UTF-16 units.
    const columns = [...line].length;
    if (columns > maxColumns) findings.push(`${file}:${index + 1}: ${columns} characters (at most ${maxColumns})`);
  }
}
for (const finding of findings) console.error(finding);
if (findings.length > 0) {
  console.error(`${findings.length} lines over ${maxColumns} characters: wrap the string or comment.`);
  process.exitCode = 1;
}

// A merge that left its conflict markers in a document (code would not compile; prose would ship them).
const markers = /^(<{7} |={7}$|>{7} )/m;
const documents = execFileSync('git', ['ls-files', '*.md', '*.json', '*.yml', '*.yaml', '*.prototxt'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file && markers.test(readFileSync(file, 'utf8')));
for (const file of documents) console.error(`${file}: a merge conflict marker is left in it`);
if (documents.length > 0) process.exitCode = 1;
