/**
 * Synthesizes the app the way `cdk synth` does (same context: cdk.json), in memory. Bundling every
 * function takes seconds, so each test file synthesizes once (beforeAll) and asserts on the result.
 * The synths of one test file share an output folder, so later ones reuse the bundles of the first.
 * The route functions live in nested stacks (one per API resource): `templateOf` finds the template
 * that holds a construct, `passedValue` what the parent passes for a nested stack's parameter.
 */
import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
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

/** The synthesized app, its assembly and its templates. */
export interface Synthesized extends ElasticCaffeApp {
  readonly assembly: CloudAssembly;
  readonly statefulTemplate: Template;
  /** The stateless stack's own template, without its nested stacks (the route functions: `routeTemplates`). */
  readonly statelessTemplate: Template;
  /** The templates of the nested stacks that hold the route functions, one per resource file of core/api/. */
  readonly routeTemplates: Template[];
  /** Every template of the app, nested ones included. */
  readonly templates: Template[];
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
    routeTemplates: [...created.stateless.api.routeStacks.values()].map(templateOf),
    templates: created.app.node
      .findAll()
      .filter((construct) => Stack.isStack(construct))
      .map(templateOf),
    dockerImages: readDockerImages(assembly, created.stateless.artifactId),
  };
}

/** The template's logical id of a construct's CloudFormation resource (or of the resource itself). */
export function logicalId(construct: IConstruct): string {
  const child = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!child || !CfnElement.isCfnElement(child)) throw new Error('construct has no default CloudFormation resource');
  return Stack.of(child).resolve(child.logicalId) as string;
}

/** Templates by stack, made once (a nested stack's is read from the assembly). */
const templates = new WeakMap<Stack, Template>();

/** The template of the stack (nested or not) that holds the construct, once it is synthesized. */
export function templateOf(construct: IConstruct): Template {
  const stack = Stack.of(construct);
  let template = templates.get(stack);
  if (!template) {
    template = Template.fromStack(stack);
    templates.set(stack, template);
  }
  return template;
}

/**
 * What a value of the construct's template is in the top-level stack: CDK hands a nested stack the
 * parent's resources as parameters, so `{ Ref: <parameter> }` becomes what the parent passes for it.
 */
export function passedValue(construct: IConstruct, value: unknown): unknown {
  const stack = Stack.of(construct);
  const parameter = (value as { Ref?: string } | undefined)?.Ref;
  const parent = stack.nestedStackParent;
  if (!parent || !stack.nestedStackResource || !parameter) return value;
  if (!(parameter in (templateOf(stack).toJSON().Parameters ?? {}))) return value;
  const stackResource = templateOf(parent).toJSON().Resources[logicalId(stack.nestedStackResource)] as {
    Properties: { Parameters: Record<string, unknown> };
  };
  return passedValue(parent, stackResource.Properties.Parameters[parameter]);
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
