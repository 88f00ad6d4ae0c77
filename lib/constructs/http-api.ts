/**
 * The HTTP API: one route and one Lambda per entry of the route table (core/routes.ts), default
 * throttling and JSON access logs on the stage. Routes with `auth: 'jwt'` (every route that acts
 * for a tenant) get the Cognito JWT authorizer, or — without a user pool (authMode `iam`) — the
 * IAM authorizer: callers sign with SigV4 and the tenant is their IAM identity (lambdas/shared/http.ts).
 *
 * A route brings several resources of its own (function, role, policy, log group, permission, integration,
 * route), so each resource file of core/api/ gets a nested stack of its own for its routes; the API,
 * its stage and authorizer stay in the parent. Every template stays within the resource budget
 * (test/infra/resource-budget.test.ts).
 */
import { Duration, NestedStack, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { pascalCase, type Route, routeFunctionName, routeKey } from '../../core/route';
import type { RouteSource } from '../../core/routes';
import { apiCors, envNames } from '../../core/topology';
import type { Auth } from './auth';
import { classifyImageCode } from './classify-image';
import { acknowledge } from './nag';
import { ServiceFunction } from './service-function';
import { ServiceImageFunction } from './service-image-function';
import type { FunctionEntry } from '../../packaging/bundle';
import { routeEntry } from '../../packaging/route-entry';

/** Routes deployed together, in one nested stack: those of one resource file of core/api/ (core/routes.ts). */
export type RouteGroup = Pick<RouteSource, 'file' | 'routes'>;

/** Props of the HTTP API. */
export interface ServiceApiProps {
  /** Every route, by the nested stack that holds its function (one per group). */
  readonly routeGroups: readonly RouteGroup[];
  /**
   * What a route's function bundles.
   * @default its entry module (packaging/route-entry.ts), for a route of core/routes.ts
   */
  readonly entryOf?: (route: Route) => FunctionEntry;
  /** The user pool whose tokens the API accepts; without one, callers authenticate with IAM (SigV4). */
  readonly auth?: Auth;
  /** IAM mode: caller ARNs allowed to use the admin API, handed to every route function (ADMIN_PRINCIPAL_ARNS). */
  readonly adminPrincipalArns?: string[];
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  readonly jobsQueue: sqs.IQueue;
  readonly corsOrigins: string[];
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

/** What the access log records per request (HTTP API `$context` variables). */
const accessLogFields = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
  // IAM mode: the signing principal.
  userArn: '$context.identity.userArn',
};

/** The API, its `$default` stage and the route functions (by route key). */
export class ServiceApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  /** Route key (`GET /v1/datasets/{id}`) → its function. */
  readonly functions = new Map<string, ServiceFunction | ServiceImageFunction>();
  /** Route key → its API Gateway route (with its integration). */
  readonly apiRoutes = new Map<string, apigw.HttpRoute>();
  /** Group's file (`training-jobs`) → the nested stack of its routes. */
  readonly routeStacks = new Map<string, NestedStack>();

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Elastic Caffe REST API',
      createDefaultStage: false, // the stage below adds throttling and access logs
      corsPreflight: {
        allowOrigins: props.corsOrigins,
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.PUT,
          apigw.CorsHttpMethod.DELETE,
        ],
        allowHeaders: [...apiCors.allowHeaders, ...(props.auth ? [] : apiCors.sigV4Headers)],
        exposeHeaders: [...apiCors.exposeHeaders],
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
    });

    const authorizer = props.auth
      ? new HttpJwtAuthorizer('CognitoJwt', props.auth.issuerUrl, {
          // The CLI's client and the console's: an access token's client_id (an id token's aud) must be one of them.
          jwtAudience: props.auth.clients.map((client) => client.userPoolClientId),
        })
      : new HttpIamAuthorizer();
    const adminPrincipals = props.adminPrincipalArns ?? [];
    for (const group of props.routeGroups) {
      const stack = new NestedStack(this, `${pascalCase(group.file)}Routes`, {
        description: `Routes of core/api/${group.file}.ts: their functions, roles, log groups and API routes`,
      });
      this.routeStacks.set(group.file, stack);
      for (const route of group.routes) this.addRoute(stack, route, props, authorizer, adminPrincipals);
    }
  }

  /** The route's function (bound to what it may access) and its API route with the integration, in `scope`. */
  private addRoute(
    scope: Construct,
    route: Route,
    props: ServiceApiProps,
    authorizer: apigw.IHttpRouteAuthorizer,
    adminPrincipals: readonly string[],
  ): void {
    const name = routeFunctionName(route);
    const description = `${routeKey(route)}: ${route.summary}`;
    // Handlers that run Caffe need the Caffe image; the rest are bundled Node.js functions.
    const fn =
      route.runtime === 'container'
        ? new ServiceImageFunction(scope, name, { code: classifyImageCode(scope, `${name}Image`, route), description })
        : new ServiceFunction(scope, name, { entry: (props.entryOf ?? routeEntry)(route), description });
    fn.bindTable(props.table, route.access.table);
    if (route.access.bucket) fn.bindBucket(props.bucket, route.access.bucket);
    if (route.access.queue) fn.bindQueue(props.jobsQueue);
    if (route.access.deleteObjects) fn.bindObjectDeletion(props.bucket);
    if (route.access.batch === 'terminate') fn.bindBatchTerminate();
    if (route.access.tenantDeletion) fn.bindTenantDeletion(props.bucket);
    if (adminPrincipals.length > 0) fn.addEnvironment(envNames.adminPrincipalArns, adminPrincipals.join(','));

    // Not api.addRoutes, which would put the route in the API's stack; the authorizer stays there (bound to the API).
    const method = apigw.HttpMethod[route.method];
    const apiRoute = new apigw.HttpRoute(scope, `${method}${route.path}`, {
      httpApi: this.api,
      routeKey: apigw.HttpRouteKey.with(route.path, method),
      integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      authorizer: route.auth === 'jwt' ? authorizer : new apigw.HttpNoneAuthorizer(),
    });
    if (route.auth === 'none') {
      acknowledge(apiRoute, 'APIG4', `${routeKey(route)} is public by design (auth: 'none' in core/routes.ts).`);
    }
    this.functions.set(routeKey(route), fn);
    this.apiRoutes.set(routeKey(route), apiRoute);
  }

  /** The API's base URL. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
