/**
 * Every route adds resources of its own (function, role and policy, log group, invoke permission,
 * integration, route), and CloudFormation limits each template; our budget (issue #12) is 300 per
 * template, nested ones included, below CloudFormation's 500. Each template that holds route functions
 * must keep room for 20 more routes at the cost a route has today, computed from the constructs the
 * stack made for its routes rather than written down; one template with every route would not fit.
 */
import { CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { routeKey } from '../../core/route';
import { routes } from '../../core/routes';
import { type Synthesized, synth } from './synth';

/** Our budget of resources per template (CloudFormation's own limit is 500). */
const resourceLimit = 300;
const moreRoutes = 20;

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synth();
});

/** CloudFormation resources at or under a construct. */
const resourcesOf = (construct: IConstruct): CfnResource[] =>
  construct.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c));

/** Resources per template file of the assembly (nested templates are files of their own). */
function templateCounts(): Map<string, number> {
  const dir = synthesized.assembly.directory;
  const counts = new Map<string, number>();
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.template.json'))) {
    const template = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { Resources?: object };
    counts.set(file, Object.keys(template.Resources ?? {}).length);
  }
  return counts;
}

/** The most resources one route brought, and the template that holds them (its function's stack). */
function perRouteCost(): { cost: number; stacks: Set<Stack> } {
  const { api } = synthesized.stateless;
  let cost = 0;
  const stacks = new Set<Stack>();
  for (const route of routes) {
    const fn = api.functions.get(routeKey(route));
    const apiRoute = api.apiRoutes.get(routeKey(route));
    if (!fn || !apiRoute) throw new Error(`no function or API route for ${routeKey(route)}`);
    const owned = new Set([
      ...resourcesOf(fn),
      ...resourcesOf(fn.executionRole),
      ...resourcesOf(apiRoute),
      // The log group is the function's own (function-bindings.ts's functionFoundation).
      ...(fn.logGroup.node.defaultChild ? [fn.logGroup.node.defaultChild as CfnResource] : []),
    ]);
    cost = Math.max(cost, owned.size);
    stacks.add(Stack.of(fn));
  }
  return { cost, stacks };
}

test('a route costs what its constructs synthesize (sanity: at least function, role, permission and route)', () => {
  expect(perRouteCost().cost).toBeGreaterThanOrEqual(4);
});

test(`every template has at most ${resourceLimit} resources`, () => {
  const counts = templateCounts();
  expect([...counts].filter(([, count]) => count > resourceLimit)).toEqual([]);
  // The nested stacks are templates of their own, counted here.
  const nested = synthesized.app.node.findAll().filter((c) => c instanceof NestedStack);
  expect(counts.size).toBe(2 + nested.length);
});

test(`the templates of the route functions keep room for ${moreRoutes} more routes each`, () => {
  const { cost, stacks } = perRouteCost();
  const counts = templateCounts();
  const routeTemplates = new Set([...stacks].map((stack) => stack.templateFile));
  // A new resource file of core/api/ would add a nested stack (one resource) to the stack that holds the others.
  const parentTemplates = new Set(
    [...stacks].flatMap((stack) => (stack.nestedStackParent ? [stack.nestedStackParent.templateFile] : [])),
  );
  const planned = [...counts].map(([file, count]) => ({
    file,
    planned: count + (routeTemplates.has(file) ? moreRoutes * cost : 0) + (parentTemplates.has(file) ? moreRoutes : 0),
  }));
  expect(planned.filter((template) => template.planned > resourceLimit)).toEqual([]);
  // Every route and the ones to come would not fit in one template: the budget needs the split.
  expect((routes.length + moreRoutes) * cost).toBeGreaterThan(resourceLimit);
});
