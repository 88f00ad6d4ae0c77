/**
 * Synthesizes the app the way `cdk synth` does (same context: cdk.json), in memory. Bundling every
 * function takes seconds, so each test file synthesizes once (beforeAll) and asserts on the result.
 * The synths of one test file share an output folder, so later ones reuse the bundles of the first.
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApp, type ElasticCaffeApp } from '../../lib/create-app';

/** One per test file (jest loads this module once per file); asset staging caches by output folder. */
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'elastic-caffe-synth-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** The synthesized app, its assembly and both templates. */
export interface Synthesized extends ElasticCaffeApp {
  readonly assembly: CloudAssembly;
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  /** The stateless stack's container images, read right after this synth (a later one rewrites the folder). */
  readonly dockerImages: DockerImageAssetEntry[];
}

/** Creates the app with cdk.json's context plus `context`, not yet synthesized. */
export function create(context: Record<string, unknown> = {}): ElasticCaffeApp {
  return createApp({ context: { ...cdkJson.context, ...context }, outdir });
}

/** Creates and synthesizes the app with cdk.json's context plus `context`. */
export function synth(context: Record<string, unknown> = {}): Synthesized {
  const created = create(context);
  const assembly = created.app.synth();
  return {
    ...created,
    assembly,
    statefulTemplate: Template.fromStack(created.stateful),
    statelessTemplate: Template.fromStack(created.stateless),
    dockerImages: readDockerImages(assembly, created.stateless.artifactId),
  };
}

/** The template's logical id of a construct's CloudFormation resource. */
export function logicalId(construct: {
  node: { defaultChild?: unknown };
  stack: { resolve(x: unknown): unknown };
}): string {
  const child = construct.node.defaultChild as { logicalId: string } | undefined;
  if (!child) throw new Error('construct has no default CloudFormation resource');
  return construct.stack.resolve(child.logicalId) as string;
}

/** A container image asset as the assets manifest lists it. */
export interface DockerImageAssetEntry {
  readonly hash: string;
  readonly source: { readonly directory: string; readonly dockerFile?: string; readonly platform?: string };
}

/** The container images a stack publishes (from its assets manifest). */
function readDockerImages(assembly: CloudAssembly, artifactId: string): DockerImageAssetEntry[] {
  const file = path.join(assembly.directory, `${artifactId}.assets.json`);
  type Manifest = { dockerImages?: Record<string, { source: DockerImageAssetEntry['source'] }> };
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  return Object.entries(manifest.dockerImages ?? {}).map(([hash, entry]) => ({ hash, source: entry.source }));
}
