/**
 * What `npm start` and CI check before they install or start anything: a Node version at or above
 * the floor package.json's `engines` states (zlib.crc32 needs 20.15 on the 20 line, 22.2 on 22),
 * and the tools the Caffe installer runs. Each problem says what is wrong and how to fix it, so a
 * missing piece stops the run at once instead of failing minutes later in the middle of a step.
 * `npx tsx local/preflight.ts` runs it on its own (exit 1 on a problem).
 */
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

/** The lowest supported release of each Node major line; majors between the lines are not supported. */
export const nodeFloors = [
  { major: 20, minor: 15 },
  { major: 22, minor: 2 },
] as const;

/** The same floor as an npm `engines` range (package.json says exactly this; a unit test checks). */
export const nodeEnginesRange = '^20.15.0 || >=22.2.0';

/** Tools the Caffe installer runs (private apt configuration, `apt-get download`, `dpkg-deb -x`). */
export const requiredTools = [
  { name: 'apt-get', install: 'a Debian or Ubuntu host (apt-get ships with the apt package)' },
  { name: 'dpkg-deb', install: 'apt-get install -y dpkg' },
] as const;

/** Whether a `major.minor.patch` Node version (with or without a leading v) is supported. */
export function nodeSupported(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [first, latest] = nodeFloors;
  if (major === first.major) return minor >= first.minor;
  return major > latest.major || (major === latest.major && minor >= latest.minor);
}

/** The problems that stop a start: an unsupported Node, missing tools. Empty when all is well. */
export function preflightProblems(nodeVersion: string, hasTool: (name: string) => boolean): string[] {
  const problems: string[] = [];
  if (!nodeSupported(nodeVersion))
    problems.push(
      `Node ${nodeVersion} is too old or unsupported: Elastic Caffe needs Node ${nodeEnginesRange} ` +
        '(e.g. nvm install 22, or the Node 22 LTS from nodejs.org).',
    );
  for (const tool of requiredTools)
    if (!hasTool(tool.name))
      problems.push(`${tool.name} is missing: the Caffe installer runs it. Install: ${tool.install}.`);
  return problems;
}

/** Whether an executable of that name is on PATH. */
export function onPath(name: string, envPath = process.env.PATH ?? ''): boolean {
  return envPath
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(path.join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** Throws with every problem listed, or returns quietly. */
export function preflight(): void {
  const problems = preflightProblems(process.version, (name) => onPath(name));
  if (problems.length) throw new Error(`Elastic Caffe cannot start here:\n  - ${problems.join('\n  - ')}`);
}

if (require.main === module) {
  try {
    preflight();
    console.log(`preflight: Node ${process.version}, ${requiredTools.map((t) => t.name).join(', ')} found`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
