/**
 * A small IAM matcher, enough to prove recorded calls against synthesized identity policies: Allow
 * statements with action wildcards, resource patterns and the string conditions our grants use.
 * Resource patterns are regular expressions here (templates resolve CloudFormation tokens to
 * pattern fragments, scripts/iam/template.ts); a request is one action on one concrete ARN.
 */

/** An identity policy statement, its resources already turned into regular expressions. */
export interface Statement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  /** Regular expression sources, anchored by the matcher. */
  resources: string[];
  /** Operator → condition key → patterns (regular expression sources, as resources). */
  conditions?: Record<string, Record<string, string[]>>;
}

/** One IAM request: an action on a resource, with the condition keys the call sets. */
export interface Request {
  action: string;
  resource: string;
  context?: Record<string, string[]>;
}

/** An IAM wildcard (`*`, `?`) as a regular expression source. */
export function wildcardSource(pattern: string): string {
  return pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
}

const matches = (source: string, value: string, ignoreCase = false) =>
  new RegExp(`^(?:${source})$`, ignoreCase ? 'i' : '').test(value);

/** Whether the statement's conditions hold for the request; a condition we do not know never holds. */
export function conditionsHold(statement: Statement, context: Record<string, string[]> = {}): boolean {
  for (const [operator, keys] of Object.entries(statement.conditions ?? {})) {
    for (const [key, patterns] of Object.entries(keys)) {
      const values = context[key];
      const one = (value: string) => patterns.some((p) => matches(p, value));
      if (operator === 'ForAllValues:StringLike' || operator === 'ForAllValues:StringEquals') {
        // An absent key holds vacuously for ForAllValues, as in IAM.
        if (values && !values.every(one)) return false;
      } else if (operator === 'StringLike' || operator === 'StringEquals') {
        if (!values || values.length === 0 || !values.every(one)) return false;
      } else return false;
    }
  }
  return true;
}

/** Whether one statement allows (or, for Deny, matches) the request. */
export function statementMatches(statement: Statement, request: Request): boolean {
  return (
    statement.actions.some((action) => matches(wildcardSource(action), request.action, true)) &&
    statement.resources.some((resource) => matches(resource, request.resource)) &&
    conditionsHold(statement, request.context)
  );
}

/** Whether the statements allow the request: some Allow matches and no Deny does. */
export function allows(statements: readonly Statement[], request: Request): boolean {
  const matching = statements.filter((statement) => statementMatches(statement, request));
  return matching.some((s) => s.effect === 'Allow') && !matching.some((s) => s.effect === 'Deny');
}
