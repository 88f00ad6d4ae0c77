/**
 * Reads the identity policies of every function (and of the Batch worker) from a cloud assembly:
 * every `*.template.json` in it, nested stacks included, found generically: AWS::Lambda::Function
 * → its Role → the AWS::IAM::Policy / ManagedPolicy resources attached and the role's inline
 * policies; AWS::Batch::JobDefinition → its JobRoleArn, plus every role that role may assume.
 * CloudFormation tokens become pattern fragments: a resource's ARN by its type, a nested stack's
 * parameter by the value its parent passes, pseudo parameters and anything unknown as "any name"
 * (no `/`), so a table's ARN never matches its indexes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workerCaller } from '../../core/aws/call-log';
import { type Statement, wildcardSource } from './policy-match';

type Json = unknown;
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  Metadata?: Record<string, Json>;
}
interface Template {
  Parameters?: Record<string, Json>;
  Resources?: Record<string, Resource>;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

/** Any name: a token we resolve no further. */
const anyName = '[^/]*';

/** ARN shapes of what `Ref` or `Fn::GetAtt .Arn` of a resource type returns (`{}`: its name). */
const arnShapes: Record<string, string> = {
  'AWS::DynamoDB::Table': 'arn:aws:dynamodb:{r}:{a}:table/{}',
  'AWS::S3::Bucket': 'arn:aws:s3:::{}',
  'AWS::SQS::Queue': 'arn:aws:sqs:{r}:{a}:{}',
  'AWS::Events::EventBus': 'arn:aws:events:{r}:{a}:event-bus/{}',
  'AWS::Batch::JobQueue': 'arn:aws:batch:{r}:{a}:job-queue/{}',
  'AWS::Batch::JobDefinition': 'arn:aws:batch:{r}:{a}:job-definition/{}(:[0-9]+)?',
  'AWS::IAM::Role': 'arn:aws:iam::{a}:role/{}',
  'AWS::Logs::LogGroup': 'arn:aws:logs:{r}:{a}:log-group:{}',
};

/** What the check knows of the assembly: every template's resources and exports by name. */
export class Assembly {
  readonly templates: Template[];
  private readonly exports = new Map<string, { value: Json; template: Template }>();
  /** Outputs by output name (`Fn::GetStackOutput`, CDK's cross-stack references). */
  private readonly outputs = new Map<string, { value: Json; template: Template }>();
  /** A nested template → its parent and the parameter values the parent's AWS::CloudFormation::Stack passes. */
  private readonly nestedIn = new Map<Template, { parent: Template; parameters: Record<string, Json> }>();

  constructor(dir: string) {
    const files = fs.readdirSync(dir).filter((file) => file.endsWith('.template.json'));
    const byFile = new Map(
      files.map((file) => [file, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Template]),
    );
    this.templates = [...byFile.values()];
    const assetFiles = new Map<string, string>();
    for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.assets.json'))) {
      type Manifest = { files?: Record<string, { source: { path?: string } }> };
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Manifest;
      for (const [hash, asset] of Object.entries(manifest.files ?? {}))
        if (asset.source.path) assetFiles.set(hash, asset.source.path);
    }
    for (const template of this.templates) {
      for (const [name, output] of Object.entries(template.Outputs ?? {})) {
        this.outputs.set(name, { value: output.Value, template });
        if (typeof output.Export?.Name === 'string')
          this.exports.set(output.Export.Name, { value: output.Value, template });
      }
      for (const resource of Object.values(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
        // The template URL ends in the asset's hash, which the assets manifest maps to the template's file.
        const hash = /\/([0-9a-f]{64})\.json/.exec(JSON.stringify(resource.Properties?.TemplateURL))?.[1];
        const nested = hash ? byFile.get(assetFiles.get(hash) ?? '') : undefined;
        if (nested) {
          const parameters = (resource.Properties?.Parameters ?? {}) as Record<string, Json>;
          this.nestedIn.set(nested, { parent: template, parameters });
        }
      }
    }
  }

  /** Function name (the construct id before `/Resource` in its CDK path) → its statements; `Worker` included. */
  principals(): Map<string, Statement[]> {
    const result = new Map<string, Statement[]>();
    for (const template of this.templates)
      for (const [, resource] of Object.entries(template.Resources ?? {})) {
        if (resource.Type === 'AWS::Lambda::Function') {
          const name = constructIdOf(resource);
          const role = this.roleIdOf(template, resource.Properties?.Role);
          if (name && role) result.set(name, this.statementsOfRole(role.template, role.id));
        }
        if (resource.Type === 'AWS::Batch::JobDefinition') {
          const props = resource.Properties?.ContainerProperties as Record<string, Json> | undefined;
          const role = this.roleIdOf(template, props?.JobRoleArn);
          if (!role) continue;
          const statements = [
            ...this.statementsOfRole(role.template, role.id),
            ...this.assumableRoles(role.template, role.id).flatMap((r) => this.statementsOfRole(r.template, r.id)),
          ];
          result.set(workerCaller, [...(result.get(workerCaller) ?? []), ...statements]);
        }
      }
    return result;
  }

  /** The role a `Role`/`JobRoleArn` names: `Fn::GetAtt [Role, Arn]`, possibly through an export or a parameter. */
  private roleIdOf(template: Template, value: Json): { template: Template; id: string } | undefined {
    const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    if (getAtt) return { template, id: getAtt[0] };
    const ref = (value as { Ref?: string } | undefined)?.Ref;
    const passed = ref ? this.parameter(template, ref) : undefined;
    if (passed) return this.roleIdOf(passed.template, passed.value);
    const exported = value && typeof value === 'object' ? this.referenced(value as Record<string, Json>) : undefined;
    return exported ? this.roleIdOf(exported.template, exported.value) : undefined;
  }

  /** What an `Fn::ImportValue` or `Fn::GetStackOutput` refers to, in the template that defines it. */
  private referenced(expression: Record<string, Json>): { value: Json; template: Template } | undefined {
    if ('Fn::ImportValue' in expression) return this.exports.get(String(expression['Fn::ImportValue']));
    const output = expression['Fn::GetStackOutput'] as { OutputName?: string } | undefined;
    return output?.OutputName ? this.outputs.get(output.OutputName) : undefined;
  }

  /** The value a nested stack's parent passes for one of its parameters, in the parent's template. */
  private parameter(template: Template, name: string): { value: Json; template: Template } | undefined {
    const nesting = this.nestedIn.get(template);
    if (!template.Parameters?.[name] || !nesting || !(name in nesting.parameters)) return undefined;
    return { value: nesting.parameters[name], template: nesting.parent };
  }

  /** Roles whose trust policy names this role as principal (the worker's tenant role). */
  private assumableRoles(template: Template, roleId: string): { template: Template; id: string }[] {
    return Object.entries(template.Resources ?? {})
      .filter(
        ([, r]) =>
          r.Type === 'AWS::IAM::Role' &&
          JSON.stringify(r.Properties?.AssumeRolePolicyDocument ?? {}).includes(`"Fn::GetAtt":["${roleId}","Arn"]`),
      )
      .map(([id]) => ({ template, id }));
  }

  /** Inline policies of the role and every AWS::IAM::Policy / ManagedPolicy of its template attached to it. */
  statementsOfRole(template: Template, roleId: string): Statement[] {
    const resources = template.Resources ?? {};
    const role = resources[roleId];
    const documents: Json[] = ((role?.Properties?.Policies ?? []) as { PolicyDocument: Json }[]).map(
      (p) => p.PolicyDocument,
    );
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const roles = (resource.Properties?.Roles ?? []) as Json[];
      if (roles.some((r) => (r as { Ref?: string }).Ref === roleId))
        documents.push(resource.Properties?.PolicyDocument);
    }
    for (const arn of (role?.Properties?.ManagedPolicyArns ?? []) as Json[]) {
      const ref = (arn as { Ref?: string }).Ref;
      if (ref && resources[ref]?.Type === 'AWS::IAM::ManagedPolicy')
        documents.push(resources[ref]?.Properties?.PolicyDocument);
    }
    return documents.flatMap((document) => this.statementsOf(template, document));
  }

  private statementsOf(template: Template, document: Json): Statement[] {
    const list = (value: Json): Json[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
    return list((document as { Statement?: Json })?.Statement).map((raw) => {
      const s = raw as { Effect: 'Allow' | 'Deny'; Action: Json; Resource: Json; Condition?: Record<string, Json> };
      const conditions = Object.fromEntries(
        Object.entries(s.Condition ?? {}).map(([operator, keys]) => [
          operator,
          Object.fromEntries(
            Object.entries(keys as Record<string, Json>).map(([key, values]) => [
              key,
              list(values).map((v) => this.pattern(template, v)),
            ]),
          ),
        ]),
      );
      return {
        effect: s.Effect,
        actions: list(s.Action).map(String),
        resources: list(s.Resource).map((r) => this.pattern(template, r)),
        ...(s.Condition ? { conditions } : {}),
      };
    });
  }

  /** A policy value (string or CloudFormation expression) as a regular expression source. */
  pattern(template: Template, value: Json): string {
    if (typeof value === 'string') return wildcardSource(value);
    const expression = value as Record<string, Json>;
    if ('Fn::Join' in expression) {
      const [separator, parts] = expression['Fn::Join'] as [string, Json[]];
      return parts.map((part) => this.pattern(template, part)).join(wildcardSource(separator));
    }
    if ('Ref' in expression) {
      const passed = this.parameter(template, String(expression.Ref));
      return passed ? this.pattern(passed.template, passed.value) : this.arnOf(template, String(expression.Ref), 'Ref');
    }
    if ('Fn::GetAtt' in expression) {
      const [id, attribute] = expression['Fn::GetAtt'] as [string, string];
      return this.arnOf(template, id, attribute);
    }
    const referenced = this.referenced(expression);
    if (referenced) return this.pattern(referenced.template, referenced.value);
    return anyName;
  }

  /** A resource's ARN (or name) by its type, names left as any name. */
  private arnOf(template: Template, id: string, attribute: string): string {
    if (id === 'AWS::Partition') return 'aws';
    if (id.startsWith('AWS::')) return anyName;
    const type = template.Resources?.[id]?.Type ?? '';
    const shape = arnShapes[type];
    // Ref of a table, bucket, bus or queue (its URL) is no ARN; Ref of a Batch queue or job definition is.
    const refIsArn = type.startsWith('AWS::Batch::');
    if (!shape || (attribute === 'Ref' && !refIsArn) || (attribute !== 'Ref' && !attribute.endsWith('Arn')))
      return anyName;
    return shape.replace('{r}', anyName).replace('{a}', anyName).replace('{}', anyName);
  }
}

/** `Stack/Http/GetDatasetsId/Resource` → `GetDatasetsId`. */
function constructIdOf(resource: Resource): string | undefined {
  const cdkPath = resource.Metadata?.['aws:cdk:path'];
  if (typeof cdkPath !== 'string') return undefined;
  const parts = cdkPath.split('/');
  return parts.at(-1) === 'Resource' ? parts.at(-2) : parts.at(-1);
}
