/**
 * cdk-nag acknowledgments, each with its reason written where the finding is caused.
 *
 * cdk-nag 3 uses CDK's `Validations.of(x).acknowledge()` and matches rules that report several
 * findings per resource (IAM4, IAM5) by the exact finding text, e.g.
 * `AwsSolutions-IAM5[Resource::<DataBucket.Arn>/tenants/*]`. That text holds the flattened resource
 * reference, and a cross-stack reference only takes its final form (an output read from the other
 * stack) when CDK resolves references during synthesis. So those findings are computed in a
 * construct validation — it runs after references are resolved and before validation plugins such
 * as cdk-nag — with cdk-nag's own rule, and acknowledged when they match a pattern given here.
 * A finding no pattern matches is left alone, so it still fails the synth.
 */
import { CfnResource, Validations } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** cdk-nag's AwsSolutions pack name, the prefix of every rule id it reports. */
const pack = 'AwsSolutions';

/** Acknowledges a whole rule on a construct and everything under it. */
export function acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${pack}-${ruleId}`, reason });
}

/** A family of findings (matched against e.g. `Resource::arn:...` or `Action::s3:Get*`) and why it is acceptable. */
export interface FindingReason {
  readonly pattern: RegExp;
  readonly reason: string;
}

type FindingRule = 'IAM4' | 'IAM5';
const ruleChecks: Record<FindingRule, (node: CfnResource) => unknown> = {
  IAM4: rules.iam.IAMNoManagedPolicies,
  IAM5: rules.iam.IAMNoWildcardPermissions,
};

const registered = new WeakMap<IConstruct, Map<FindingRule, FindingReason[]>>();

/**
 * Acknowledges the findings of a multi-finding rule (IAM4 managed policies, IAM5 wildcards) on
 * every resource under `scope` whose finding text matches one of `reasons`.
 */
export function acknowledgeFindings(scope: IConstruct, ruleId: FindingRule, reasons: FindingReason[]): void {
  let byRule = registered.get(scope);
  if (!byRule) {
    const created = new Map<FindingRule, FindingReason[]>();
    byRule = created;
    registered.set(scope, created);
    scope.node.addValidation({ validate: () => acknowledgeMatches(scope, created) });
  }
  byRule.set(ruleId, [...(byRule.get(ruleId) ?? []), ...reasons]);
}

function acknowledgeMatches(scope: IConstruct, byRule: Map<FindingRule, FindingReason[]>): string[] {
  for (const node of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(node)) continue;
    for (const [ruleId, reasons] of byRule) {
      const findings = ruleChecks[ruleId](node);
      if (!Array.isArray(findings)) continue;
      for (const finding of findings as string[]) {
        const match = reasons.find(({ pattern }) => pattern.test(finding));
        if (match) Validations.of(node).acknowledge({ id: `${pack}-${ruleId}[${finding}]`, reason: match.reason });
      }
    }
  }
  return []; // never an error itself: what is not acknowledged is reported by cdk-nag
}
