/**
 * The synthesized environments against the one registry of variables (core/config.ts): every
 * variable a service function or the worker gets is one its kind of code reads (or its runtime
 * does), every function gets the table its stores read, and each route's function gets exactly the
 * required variables its route's `access` says its code reads. A renamed, stray or missing
 * variable fails here, not at a function's first cold start after deploy.
 */
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { isTuningVariable } from '../../core/caffe/tuning-env';
import { envNames, type Reader, runtimeVariables, variables } from '../../core/config';
import type { RouteAccess } from '../../core/route';
import { routeKey } from '../../core/route';
import { routes } from '../../core/routes';
import { synth } from './synth';

/** Who reads each variable name: the registry's readers, and the runtime's own variables. */
const readersOf = new Map<string, readonly Reader[]>([
  ...Object.values(variables).map((variable) => [variable.name, variable.readers] as const),
  ...Object.entries(runtimeVariables),
]);

/** The variables a process cannot start work without (no default, unset is an error). */
const requiredNames = Object.values(variables)
  .filter((variable) => !variable.schema.safeParse(undefined).success)
  .map((variable) => variable.name);

/** The required variables a route's code reads, as its `access` declares (its stores, objects, queue). */
const requiredFor = (access: RouteAccess): string[] => [
  envNames.table,
  ...(access.bucket ? [envNames.bucket] : []),
  ...(access.queue ? [envNames.jobsQueueUrl] : []),
];

interface Resource {
  Type: string;
  Properties: {
    Environment?: { Variables?: Record<string, unknown> };
    ContainerProperties?: { Environment?: Array<{ Name: string }> };
  };
}

describe('function environments', () => {
  const synthesized = synth();
  // Every template of the app, nested stacks included.
  const resources = synthesized.templates.flatMap((template) =>
    Object.entries((template.toJSON() as { Resources: Record<string, Resource> }).Resources),
  );
  // Every stack of the app, nested stacks included; the service's functions carry POWERTOOLS_SERVICE_NAME.
  const functions = resources
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([id, resource]) => [id, resource.Properties.Environment?.Variables ?? {}] as const)
    .filter(([, variables]) => envNames.powertoolsServiceName in variables);
  const unreadBy = (reader: Reader, id: string, names: string[]) =>
    names.filter((name) => !readersOf.get(name)?.includes(reader)).map((name) => `${id}: ${name}`);

  it('finds the service functions', () => {
    expect(functions.length).toBeGreaterThan(routes.length);
  });

  it('gives every function only variables a function reads', () => {
    expect(functions.flatMap(([id, variables]) => unreadBy('function', id, Object.keys(variables)))).toEqual([]);
  });

  it('gives the worker only variables the worker reads (or Caffe: BLAS tuning)', () => {
    const jobDefinitions = resources.filter(([, resource]) => resource.Type === 'AWS::Batch::JobDefinition');
    expect(jobDefinitions.length).toBeGreaterThan(0);
    const unread = jobDefinitions.flatMap(([id, resource]) =>
      unreadBy(
        'worker',
        id,
        (resource.Properties.ContainerProperties?.Environment ?? [])
          .map((variable) => variable.Name)
          .filter((name) => !isTuningVariable(name)),
      ),
    );
    expect(unread).toEqual([]);
  });

  it('gives every function the table its stores read', () => {
    expect(functions.filter(([, variables]) => !(envNames.table in variables)).map(([id]) => id)).toEqual([]);
  });

  it("gives each route's function exactly the required variables its access says it reads", () => {
    const mismatched = routes.flatMap((route) => {
      const fn = synthesized.stateless.api.functions.get(routeKey(route));
      if (!fn) return [`${routeKey(route)}: no function`];
      const cfn = fn.node.defaultChild as CfnFunction;
      const environment = fn.stack.resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined;
      const given = requiredNames.filter((name) => name in (environment?.variables ?? {}));
      const wanted = requiredFor(route.access);
      return given.sort().join() === wanted.sort().join() ? [] : [`${routeKey(route)}: ${given} ≠ ${wanted}`];
    });
    expect(mismatched).toEqual([]);
  });
});
