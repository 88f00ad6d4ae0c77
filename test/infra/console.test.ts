/**
 * The web console on AWS (lib/constructs/console-site.ts, the console's sign-in in lib/constructs/auth.ts): a
 * private bucket behind CloudFront with origin access control, HTTPS only, security headers and the SPA
 * rewrite; config.json written at deploy time from the stack's own values; Cognito's hosted UI and a PKCE
 * client whose tokens the API accepts. With authMode iam the site still deploys and says it needs Cognito.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spaRewriteSource } from '../../lib/constructs/console-edge';
import type { ConsoleSite } from '../../lib/constructs/console-site';
import { logicalId, type Synthesized, synth } from './synth';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const devOrigin = 'http://localhost:3000';

let cognito: Synthesized;
let iam: Synthesized;
beforeAll(() => {
  cognito = synth({ consoleExtraOrigins: devOrigin });
  iam = synth({ authMode: 'iam', removalPolicy: 'destroy' });
});

const siteOf = (synthesized: Synthesized): ConsoleSite => {
  const site = synthesized.stateless.console;
  if (!site) throw new Error('no console site');
  return site;
};
const resourceOf = (template: Template, id: string): Resource => template.toJSON().Resources[id] as Resource;
const resourcesOfType = (template: Template, type: string): Array<[string, Resource]> =>
  Object.entries(template.findResources(type)) as Array<[string, Resource]>;
/** The one resource of a type in the template: its logical id and itself. */
function onlyOfType(template: Template, type: string): [string, Resource] {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`${found.length} resources of type ${type}`);
  return found[0]!;
}
/** `https://<the distribution's domain><path>`, as the template writes it. */
const siteUrl = (site: ConsoleSite, path = '') => ({
  'Fn::Join': [
    '',
    ['https://', { 'Fn::GetAtt': [logicalId(site.distribution), 'DomainName'] }, ...(path ? [path] : [])],
  ],
});

/** The config.json a deployment uploads, with each deploy-time marker replaced by the template value it stands for. */
function deployedConfig(synthesized: Synthesized): unknown {
  const deployment = resourcesOfType(synthesized.statelessTemplate, 'Custom::CDKBucketDeployment')
    .map(([, resource]) => resource.Properties)
    .find((props) => JSON.stringify(props.Include ?? []).includes('config.json'));
  if (!deployment) throw new Error('no deployment of config.json');
  const keys = deployment.SourceObjectKeys as string[];
  const markers = deployment.SourceMarkers as Array<Record<string, unknown>>;
  for (const [index, key] of keys.entries()) {
    const file = path.join(synthesized.assembly.directory, `asset.${key.replace(/\.zip$/, '')}`, 'config.json');
    if (!fs.existsSync(file)) continue;
    let text = JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')));
    // A marker inside a string becomes a CloudFormation value: compare them as JSON of the value.
    for (const [marker, value] of Object.entries(markers[index] ?? {})) {
      const inString = JSON.stringify(`«${JSON.stringify(value)}»`).slice(1, -1);
      text = text.replaceAll(`"${marker}"`, JSON.stringify(value)).replaceAll(marker, inString);
    }
    return JSON.parse(text);
  }
  throw new Error('config.json is in no asset of the deployment');
}

describe('the console site', () => {
  test('is a private, encrypted, TLS-only bucket that only the distribution reads (origin access control)', () => {
    const site = siteOf(cognito);
    const template = cognito.statelessTemplate;
    expect(resourceOf(template, logicalId(site.bucket)).Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    expect(resourceOf(template, logicalId(site.bucket)).Properties.WebsiteConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(site.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    const [oacId, oac] = onlyOfType(template, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(resourceOf(template, logicalId(site.distribution)).Properties.DistributionConfig).toMatchObject({
      Origins: [
        {
          DomainName: { 'Fn::GetAtt': [logicalId(site.bucket), 'RegionalDomainName'] },
          OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
          S3OriginConfig: { OriginAccessIdentity: '' },
        },
      ],
    });
  });

  test('serves HTTPS only over HTTP/2 and 3, with the security headers and the SPA rewrite on every request', () => {
    const site = siteOf(cognito);
    const template = cognito.statelessTemplate;
    const [headersId] = onlyOfType(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const [functionId, spaFunction] = onlyOfType(template, 'AWS::CloudFront::Function');
    expect(resourceOf(template, logicalId(site.distribution)).Properties.DistributionConfig).toMatchObject({
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        ResponseHeadersPolicyId: { Ref: headersId },
        FunctionAssociations: [
          { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
        ],
      },
    });
    expect(spaFunction.Properties).toMatchObject({
      FunctionCode: spaRewriteSource,
      FunctionConfig: { Runtime: 'cloudfront-js-2.0' },
      AutoPublish: true,
    });
    // No WAF: it bills every month even idle.
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test("sends HSTS, nosniff, DENY framing, no referrer and a CSP naming this stack's API, bucket and Cognito", () => {
    const template = cognito.statelessTemplate;
    const { api, auth } = cognito.stateless;
    const [, headers] = onlyOfType(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = (
      headers.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, unknown> }
    ).SecurityHeadersConfig;
    expect(config).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    const csp = JSON.stringify(
      (config.ContentSecurityPolicy as { ContentSecurityPolicy: unknown }).ContentSecurityPolicy,
    );
    expect(csp).toContain("default-src 'self'; script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalId(api.api), 'ApiEndpoint'] }));
    expect(csp).toContain(JSON.stringify({ Ref: logicalId(auth!.console!.domain) }));
    expect(csp).toContain('.amazoncognito.com');
    // The data bucket (presigned uploads and thumbnails) is the stateful stack's.
    expect(csp).toMatch(/connect-src 'self' ",\{"Fn::GetAtt":[^}]*\}," https:\/\/",\{"Fn::GetStackOutput"/);
  });

  test('deploys hashed assets cached for a year, then index.html and config.json revalidated and invalidated', () => {
    const site = siteOf(cognito);
    const deployments = resourcesOfType(cognito.statelessTemplate, 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(2);
    const [assets, pages] = [
      deployments.find(([id]) => id.startsWith('ConsoleAssets')),
      deployments.find(([id]) => id.startsWith('ConsolePages')),
    ];
    expect(assets![1].Properties).toMatchObject({
      DestinationBucketName: { Ref: logicalId(site.bucket) },
      Exclude: ['index.html', 'config.json'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(pages![1].Properties).toMatchObject({
      DestinationBucketName: { Ref: logicalId(site.bucket) },
      Exclude: ['*'],
      Include: ['index.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: logicalId(site.distribution) },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    // index.html never names an asset that is not uploaded yet.
    expect(JSON.stringify(cognito.statelessTemplate.toJSON().Resources[pages![0]].DependsOn)).toContain(assets![0]);
  });

  test("writes config.json at deploy time with this stack's API URL and Cognito ids (one build, every stack)", () => {
    const { api, auth } = cognito.stateless;
    const signIn = auth!.console!;
    const domain = JSON.stringify({ Ref: logicalId(signIn.domain) });
    expect(deployedConfig(cognito)).toEqual({
      apiUrl: { 'Fn::GetAtt': [logicalId(api.api), 'ApiEndpoint'] },
      auth: {
        mode: 'cognito',
        region: { Ref: 'AWS::Region' },
        userPoolId: { Ref: logicalId(auth!.userPool) },
        clientId: { Ref: logicalId(signIn.client) },
        domain: `https://«${domain}».auth.«${JSON.stringify({ Ref: 'AWS::Region' })}».amazoncognito.com`,
      },
    });
    // The construct's own view of the file, resolved, says the same.
    const stack = Stack.of(siteOf(cognito));
    expect(stack.resolve(siteOf(cognito).config)).toMatchObject({
      apiUrl: { 'Fn::GetAtt': [logicalId(api.api), 'ApiEndpoint'] },
      auth: { mode: 'cognito', clientId: { Ref: logicalId(signIn.client) } },
    });
  });

  test('outputs the console URL', () => {
    const outputs = cognito.statelessTemplate.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ConsoleUrl!.Value).toEqual(siteUrl(siteOf(cognito)));
  });
});

describe("the console's sign-in", () => {
  test('is a hosted UI on a Cognito prefix domain from the stack name and its id', () => {
    const { auth } = cognito.stateless;
    cognito.statelessTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: logicalId(auth!.userPool) },
      Domain: {
        'Fn::Join': [
          '',
          [
            'elastic-caffe-stateless-',
            {
              'Fn::Select': [
                0,
                { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
              ],
            },
          ],
        ],
      },
    });
  });

  test("is a public client for the code flow only, back to the console's /auth/callback (and extra origins)", () => {
    const site = siteOf(cognito);
    const client = resourceOf(cognito.statelessTemplate, logicalId(cognito.stateless.auth!.console!.client));
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [`${devOrigin}/auth/callback`, siteUrl(site, '/auth/callback')],
      LogoutURLs: [`${devOrigin}/`, siteUrl(site, '/')],
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
    });
  });

  test("the CLI's client has no OAuth grant the hosted UI could hand out", () => {
    const client = resourceOf(cognito.statelessTemplate, logicalId(cognito.stateless.auth!.client));
    expect(client.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client.Properties.AllowedOAuthFlows).toBeUndefined();
    expect(client.Properties.CallbackURLs).toBeUndefined();
  });

  test("the API's JWT authorizer accepts the CLI's and the console's tokens", () => {
    const { auth } = cognito.stateless;
    cognito.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(auth!.client) }, { Ref: logicalId(auth!.console!.client) }],
      },
    });
  });
});

describe('with authMode iam (and removalPolicy destroy)', () => {
  test('the site deploys with config.json saying iam, and there is no hosted UI or console client', () => {
    expect(deployedConfig(iam)).toEqual({
      apiUrl: { 'Fn::GetAtt': [logicalId(iam.stateless.api.api), 'ApiEndpoint'] },
      auth: { mode: 'iam' },
    });
    iam.statelessTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    iam.statelessTemplate.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    const [, headers] = onlyOfType(iam.statelessTemplate, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(JSON.stringify(headers)).not.toContain('amazoncognito');
    expect(Object.keys(iam.statelessTemplate.toJSON().Outputs as object)).toContain('ConsoleUrl');
  });

  test('the bucket is deleted with the stack, its files first', () => {
    const bucket = resourceOf(iam.statelessTemplate, logicalId(siteOf(iam).bucket));
    expect(bucket.DeletionPolicy).toBe('Delete');
    iam.statelessTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    // The default (retain) keeps it, like the data.
    expect(resourceOf(cognito.statelessTemplate, logicalId(siteOf(cognito).bucket)).DeletionPolicy).toBe('Retain');
  });

  test('passes cdk-nag', () => {
    expect(new AwsSolutionsChecks().validateScope(iam.app).violations.map((violation) => violation.ruleName)).toEqual(
      [],
    );
  });
});
