/**
 * Every variable in a service function's synthesized Environment is one the code reads by name
 * (core/config.ts and the registries it gathers), and every function gets the table it is bound to:
 * a renamed or stray variable fails here, not at a function's first cold start after deploy.
 */
import { knownVariables } from '../../core/config';
import { limitEnvNames } from '../../core/limits';
import { quotaEnvNames } from '../../core/quotas';
import { capacityEnvNames } from '../../core/scheduling/capacity';
import { reconcilerEnvNames } from '../../core/usecases/reconcile';
import { routes } from '../../core/routes';
import { envNames } from '../../core/topology';
import { synth } from './synth';

const tunables = [
  ...Object.values(limitEnvNames),
  ...Object.values(quotaEnvNames),
  ...Object.values(capacityEnvNames),
  ...Object.values(reconcilerEnvNames),
];

interface LambdaFunction {
  Properties: { Environment?: { Variables?: Record<string, unknown> } };
}

describe('function environments', () => {
  const { templates } = synth();
  // Every stack of the app, nested stacks included; the service's functions carry POWERTOOLS_SERVICE_NAME.
  const functions = templates.flatMap((template) =>
    Object.entries((template.toJSON() as { Resources: Record<string, { Type: string }> }).Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(
        ([id, resource]) =>
          [id, (resource as unknown as LambdaFunction).Properties.Environment?.Variables ?? {}] as const,
      )
      .filter(([, variables]) => 'POWERTOOLS_SERVICE_NAME' in variables),
  );

  it('finds the service functions', () => {
    expect(functions.length).toBeGreaterThan(routes.length);
  });

  it('gives every function only variables the code reads', () => {
    const known = knownVariables(tunables);
    const unread = functions.flatMap(([id, variables]) =>
      Object.keys(variables)
        .filter((name) => !known.has(name))
        .map((name) => `${id}: ${name}`),
    );
    expect(unread).toEqual([]);
  });

  it('gives every function the table its stores read', () => {
    expect(functions.filter(([, variables]) => !(envNames.table in variables)).map(([id]) => id)).toEqual([]);
  });
});
