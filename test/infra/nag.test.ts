import { type PolicyViolation, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { create, synth } from './synth';

const describeViolation = (v: PolicyViolation): string =>
  `${v.severity ?? 'error'} ${v.ruleName} at ` +
  `${v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId).join(', ')}`;

describe('cdk-nag AwsSolutions checks', () => {
  test('report no unacknowledged error or warning', () => {
    // The synth itself fails on a nag error (the pack is registered on the app); this also catches warnings.
    const { app, stateful, stateless } = synth();

    // The whole construct tree: the route functions' nested stacks included.
    const report = new AwsSolutionsChecks().validateScope(app);

    expect(report.violations.map(describeViolation)).toEqual([]);
    // A nested stack's annotations are recorded in its parent's artifact, so these two cover every stack.
    for (const stack of [stateful, stateless]) {
      expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    }
  });

  test(
    'every acknowledgment answers a real finding, on a ' + 'resource (never a whole stack), with a written reason',
    () => {
      // Record acknowledgments instead of applying them, then see what cdk-nag finds without them.
      const acknowledged: Array<{ id: string; reason: string; scope: IConstruct }> = [];
      const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (
        this: Validations,
        ...rules
      ) {
        const scope = (this as unknown as { scope: IConstruct }).scope;
        for (const rule of rules) if (rule.id.startsWith('AwsSolutions-')) acknowledged.push({ ...rule, scope });
      });
      let findings: string[];
      try {
        const { app } = create();
        // Fails on the now unacknowledged findings, after the finding-specific acknowledgments ran.
        expect(() => app.synth()).toThrow(/AwsSolutions-/);
        findings = new AwsSolutionsChecks().validateScope(app).violations.map((v) => v.ruleName);
      } finally {
        spy.mockRestore();
      }

      expect(acknowledged.length).toBeGreaterThan(0);
      for (const { id, reason, scope } of acknowledged) {
        expect(findings).toContain(id);
        expect(Stack.isStack(scope)).toBe(false);
        expect(reason.length).toBeGreaterThanOrEqual(40);
      }
    },
  );
});
