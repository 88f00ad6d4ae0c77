import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { nodeEnginesRange, nodeSupported, preflightProblems } from '../../../local/preflight';

const allTools = () => true;

test("states the same Node floor as package.json's engines", () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    engines: { node: string };
  };
  expect(pkg.engines.node).toBe(nodeEnginesRange);
});

test.each(['v20.15.0', 'v20.20.2', '22.2.0', 'v22.13.1', 'v24.0.0'])('accepts Node %s', (version) => {
  expect(nodeSupported(version)).toBe(true);
  expect(preflightProblems(version, allTools)).toEqual([]);
});

test.each(['v18.20.0', 'v20.14.0', 'v21.7.3', 'v22.1.0'])('refuses Node %s, naming the floor', (version) => {
  expect(nodeSupported(version)).toBe(false);
  const problems = preflightProblems(version, allTools);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toContain(version);
  expect(problems[0]).toContain(nodeEnginesRange);
});

test('names each missing tool and how to install it', () => {
  const problems = preflightProblems('v22.13.0', (name) => name !== 'dpkg-deb');
  expect(problems).toEqual([expect.stringMatching(/^dpkg-deb is missing: .*Install: apt-get install -y dpkg/)]);
});

test('lists every problem at once', () => {
  expect(preflightProblems('v20.0.0', () => false)).toHaveLength(3);
});
