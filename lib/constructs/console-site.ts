/**
 * The web console on AWS: its static files in a private S3 bucket behind CloudFront (origin access control,
 * HTTPS only, security headers with a strict Content-Security-Policy, the single-page app's path rewrite at the
 * edge), deployed with the stack. The same build serves every stack: the API URL and the Cognito ids reach the
 * app as `/config.json` (console/src/contracts.ts's ConsoleConfig), written at deploy time.
 *
 * Nothing here bills while idle: S3 storage of a few hundred kB, and CloudFront, its function and the
 * deployment's Lambda bill per request. No WAF web ACL: it would bill every month ($5 plus $1 per rule) for a
 * site whose files are public anyway; the API it calls has its own throttling and authorizer.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildConsoleSync, consoleSourceHash } from '../../console/build';
import type { ConsoleConfig } from '../../console/src/contracts';
import { withBuildLock } from '../../packaging/bundle';
import type { ConsoleSignIn } from './auth';
import { consoleCsp, consoleInlineStyles, spaRewriteSource } from './console-edge';
import { acknowledge, acknowledgeFindings } from './nag';

/** Repository root. */
const projectRoot = path.resolve(__dirname, '..', '..');
/** The console's builds, one folder per source hash (ignored by git, beside cdk.out). */
export const consoleBuildDir = path.join(projectRoot, '.build', 'console');

/** The files the deployment writes at deploy time, not taken from the build. */
const configFile = 'config.json';
const indexFile = 'index.html';

/** Props of the console site. */
export interface ConsoleSiteProps {
  /** The API's base URL, without a trailing slash. */
  readonly apiUrl: string;
  /** The data bucket: the browser sends datafiles to it and shows thumbnails from it, by presigned URLs. */
  readonly dataBucket: s3.IBucket;
  /** Cognito's hosted UI and the console's client; none with authMode iam (the console then says it needs Cognito). */
  readonly signIn?: ConsoleSignIn;
  /** Keep the bucket (and its files) when the stack is deleted, like the data (config `removalPolicy`). */
  readonly retain: boolean;
}

/** The bucket, the distribution and the deployment of the console's files. */
export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`: the console's origin, and its address. */
  readonly url: string;
  /** What `/config.json` holds (with CDK tokens, resolved at deploy time). */
  readonly config: ConsoleConfig;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Build output only, rebuilt from the repository at every deploy: no versioning, and no access logs (every
    // read comes through CloudFront; the only writer is the deployment below).
    this.bucket = new s3.Bucket(this, 'Files', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !props.retain,
    });
    acknowledge(
      this.bucket,
      'S1',
      "The console's bucket holds only its build output, public by design and rebuilt at every deploy; browsers " +
        'read it only through CloudFront (origin access control) and only the deployment writes it.',
    );

    const dataBucketUrl = `https://${props.dataBucket.bucketName}.s3.${stack.region}.${stack.urlSuffix}`;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Elastic Caffe console: security headers and its Content-Security-Policy',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp({
            apiUrl: props.apiUrl,
            dataBucketUrl,
            cognitoUrl: props.signIn?.url,
            inlineStyles: consoleInlineStyles, // see console-edge.ts
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const spaRoutes = new cloudfront.Function(this, 'SpaRoutes', {
      comment: 'Elastic Caffe console: paths without an extension are pages of the app (index.html)',
      code: cloudfront.FunctionCode.fromInline(spaRewriteSource),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Elastic Caffe console',
      defaultRootObject: indexFile,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours the files' Cache-Control (set by the deployments below); no query string or cookie in the key.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ function: spaRoutes, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
    });
    this.acknowledgeDistribution();
    this.url = `https://${this.distribution.distributionDomainName}`;

    this.config = {
      apiUrl: props.apiUrl,
      auth: props.signIn
        ? {
            mode: 'cognito',
            region: stack.region,
            userPoolId: props.signIn.userPoolId,
            clientId: props.signIn.client.userPoolClientId,
            domain: props.signIn.url,
          }
        : { mode: 'iam' },
    };
    this.deployFiles(builtConsole());
  }

  /**
   * Two deployments of the one build: the hashed assets first, cached for a year; then index.html and
   * config.json, which browsers revalidate every time (`no-cache`) and whose cached copies at the edge are
   * invalidated, so a deploy shows at the next reload and index.html never names an asset not yet uploaded.
   * Files of earlier deploys stay (no pruning): a page loaded before a deploy can still load its lazy chunks.
   */
  private deployFiles(buildDir: string): void {
    const build = s3deploy.Source.asset(buildDir);
    // One log group for the deployments' shared function (its retention: the stack's LogRetention aspect).
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', { removalPolicy: RemovalPolicy.DESTROY });
    const assets = new s3deploy.BucketDeployment(this, 'Assets', {
      sources: [build],
      destinationBucket: this.bucket,
      exclude: [indexFile, configFile],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
      logGroup,
    });
    const pages = new s3deploy.BucketDeployment(this, 'Pages', {
      sources: [build, s3deploy.Source.jsonData(configFile, this.config)],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: [indexFile, configFile],
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`/${indexFile}`, `/${configFile}`],
      logGroup,
    });
    pages.node.addDependency(assets);
    this.acknowledgeDeploymentFunction();
  }

  /** CloudFront findings, each a choice made for a site of public static files that must cost nothing idle. */
  private acknowledgeDistribution(): void {
    acknowledge(
      this.distribution,
      'CFR1',
      'No geo restriction: the console is for the deployment’s users wherever they are; sign-in (Cognito) and the ' +
        'API decide who may do anything.',
    );
    acknowledge(
      this.distribution,
      'CFR2',
      'No WAF web ACL: it bills every month even idle ($5 plus $1 per rule) and would guard only public static ' +
        'files; the API has its own throttling and authorizer.',
    );
    acknowledge(
      this.distribution,
      'CFR3',
      'No CloudFront access logs: the files are public build output; the API logs every request it serves, and ' +
        'standard logging to S3 needs ACLs the access-log bucket disables.',
    );
    acknowledge(
      this.distribution,
      'CFR4',
      'The default *.cloudfront.net certificate fixes the viewer security policy (TLSv1); a custom domain with an ' +
        'ACM certificate (TLSv1.2_2021) is the operator’s choice and needs a domain this stack does not have.',
    );
  }

  /** CDK's BucketDeployment function (a stack-level singleton shared by both deployments), run at deploy time only. */
  private acknowledgeDeploymentFunction(): void {
    const stack = Stack.of(this);
    for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeploy'))) {
      acknowledgeFindings(handler, 'IAM4', [
        {
          pattern: /AWSLambdaBasicExecutionRole$/,
          reason:
            "CDK's BucketDeployment custom resource (deploy time only): the managed policy lets it write its logs.",
        },
      ]);
      acknowledgeFindings(handler, 'IAM5', [
        {
          pattern: /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/,
          reason:
            "CDK's BucketDeployment grants: read the deploy asset, write and list the console's bucket (deploy time).",
        },
        {
          // The assets bucket's name: pseudo-parameters, or literal once the account and region are known.
          pattern: /^Resource::arn:(<AWS::Partition>|aws[a-z-]*):s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/,
          reason: "CDK's BucketDeployment reads its zip from the CDK assets bucket (deploy time only).",
        },
        {
          pattern: /^Resource::<[^>]*ConsoleFiles[0-9A-F]+\.Arn>\/\*$/,
          reason: "CDK's BucketDeployment writes, lists and (on a destination change) deletes the console's files.",
        },
        {
          pattern: /^Resource::\*$/,
          reason:
            "CDK's BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on every distribution " +
            '(deploy time only): it invalidates index.html and config.json after a deploy.',
        },
      ]);
      acknowledge(
        handler,
        'L1',
        "CDK's BucketDeployment function: its runtime is the one CDK ships with its handler (the AWS CLI layer), " +
          'not ours to choose; it runs only during deploys.',
      );
    }
  }
}

/**
 * The console built from the repository's sources (console/build.ts), once per source hash: repeated synths
 * (the CLI, each infra test file) reuse the folder. Built beside it and renamed into place under the build lock,
 * so parallel synths never see half a build; older builds are removed.
 */
export function builtConsole(): string {
  const hash = consoleSourceHash();
  const dir = path.join(consoleBuildDir, hash);
  return withBuildLock(consoleBuildDir, () => {
    if (!fs.existsSync(path.join(dir, indexFile))) {
      const partial = `${dir}.${process.pid}.partial`;
      fs.rmSync(partial, { recursive: true, force: true });
      buildConsoleSync(partial);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(partial, dir);
    }
    for (const entry of fs.readdirSync(consoleBuildDir)) {
      if (entry !== hash && !entry.startsWith('.')) fs.rmSync(path.join(consoleBuildDir, entry), { recursive: true });
    }
    return dir;
  });
}
