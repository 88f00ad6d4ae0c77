/**
 * The house's line limit (npm run lint): no line of code over 120 characters, strings and comments
 * included. Biome's formatter wraps code at 120 but cannot split a string or a comment, so this check
 * covers what it leaves. Reads the files git tracks, so generated and ignored files stay out.
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
  process.exit(1);
}
