/**
 * The local API Gateway: serves the route table (core/routes.ts), verifies bearer tokens as the
 * JWT authorizer does, and invokes the same handler modules with HTTP API payload v2 events.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { JWTPayload } from 'jose';
import { routes } from '../core/routes';
import { routeFunctionName, routeKey, type Route } from '../core/route';
import { correlationHeader, isValidCorrelationId } from '../core/correlation';
import { apiCors } from '../core/topology';
import { serveRoutes } from '../lambdas/shared/served-routes';
import { tokenVerifier } from './auth';
import { lambdaContext, type AsyncHandler } from './lambda-context';
import { consoleFilesRoute, firstOf } from './console-files';
import { localTokenRoute, type LocalRoute } from './token-route';

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  params: string[];
}

const compile = (route: Route): CompiledRoute => {
  const params: string[] = [];
  const source = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), params };
};

/** API Gateway's HTTP API refuses larger request bodies (with a 413 of its own). */
export const maxRequestBodyBytes = 10 * 1024 * 1024;

const problem = (res: ServerResponse, status: number, title: string, detail: string) => {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
};

class BodyTooLarge extends Error {}

/** The request body, or BodyTooLarge as soon as it passes the limit (announced or sent). */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > maxRequestBodyBytes) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length > maxRequestBodyBytes) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The caller's X-Correlation-Id when it is one the handlers accept, else the request id (as httpHandler does). */
const correlationIdOf = (given: string | string[] | undefined, requestId: string): string =>
  typeof given === 'string' && isValidCorrelationId(given) ? given : requestId;

const isText = (contentType: string | undefined) =>
  !contentType || /json|text|xml|x-www-form-urlencoded/.test(contentType);

export interface GatewayOptions {
  port: number;
  verifyToken: (token: string) => Promise<JWTPayload>;
  handlerFor: (route: Route) => AsyncHandler;
  /** Requests served before the route table, by the local system only (`POST /local/token`). */
  localRoute?: LocalRoute;
}

export interface LocalGateway {
  url: string;
  /** Stops listening and drops open connections; resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * The local cloud's gateway: tokens from the local issuer (local/auth.ts), `POST /local/token`, and every route,
 * served by `handlerFor` in this process (a deployed function serves only its own). With `consoleDir`, the built
 * console is served too, on every path that is not the API's (local/console-files.ts).
 */
export async function startLocalGateway(
  home: string,
  port: number,
  handlerFor: (route: Route) => AsyncHandler,
  options: { consoleDir?: string; consoleCsp?: string } = {},
): Promise<LocalGateway> {
  serveRoutes(routes);
  const { server, url } = await startGateway({
    port,
    verifyToken: await tokenVerifier(home),
    handlerFor,
    localRoute: firstOf(
      localTokenRoute(home),
      options.consoleDir ? consoleFilesRoute(options.consoleDir, options.consoleCsp) : undefined,
    ),
  });
  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Starts the gateway on 127.0.0.1; resolves once it listens. */
export async function startGateway(options: GatewayOptions): Promise<{ server: Server; url: string }> {
  const compiled = routes.map(compile);
  const server = createServer((req, res) => {
    // The outermost layer names every answer, its own rejections included (API Gateway's own
    // answers on AWS — JWT 401s, unknown routes, oversized bodies — are the documented exception).
    const requestId = randomUUID();
    res.setHeader(correlationHeader, correlationIdOf(req.headers[correlationHeader], requestId));
    handle(req, res, requestId).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) {
        res.setHeader('connection', 'close'); // the rest of the body is not read
        return problem(
          res,
          413,
          'Payload too large',
          `a request body may be at most ${maxRequestBodyBytes} bytes (as on API Gateway)`,
        );
      }
      console.error('[gateway]', error);
      if (!res.headersSent) problem(res, 500, 'Internal error', 'the local gateway failed to invoke the handler');
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    // CORS as the stack's HttpApi corsPreflight answers it (lib/constructs/http-api.ts), so a browser app works locally
    // too.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-expose-headers', apiCors.exposeHeaders.join(', '));
    if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, DELETE',
        'access-control-allow-headers': apiCors.allowHeaders.join(', '),
        'access-control-max-age': '3600',
      });
      return void res.end();
    }
    if (await options.localRoute?.(req, res, url)) return;
    const matches = compiled.filter((c) => c.pattern.test(url.pathname));
    const match = matches.find((c) => c.route.method === method);
    if (!match) {
      if (matches.length)
        return problem(res, 405, 'Method not allowed', `${method} is not supported on ${url.pathname}`);
      return problem(res, 404, 'Not found', `no route for ${method} ${url.pathname}`);
    }
    let claims: JWTPayload = {};
    if (match.route.auth === 'jwt') {
      const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!token)
        return problem(res, 401, 'Unauthorized', 'send Authorization: Bearer <token> (npm run -s token -- <tenant>)');
      try {
        claims = await options.verifyToken(token);
      } catch (error) {
        return problem(res, 401, 'Unauthorized', `the token was rejected: ${(error as Error).message}`);
      }
    }
    const values = match.pattern.exec(url.pathname)!.slice(1);
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(match.params.map((p, i) => [p, decodeURIComponent(values[i]!)]));
    } catch {
      // A broken %-escape is the client's mistake, not a reason for a 500.
      return problem(res, 400, 'Invalid request', `the path ${url.pathname} is not valid percent-encoding`);
    }
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    const text = isText(headers['content-type']);
    const now = new Date();
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: '2.0',
      routeKey: routeKey(match.route),
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(match.params.length ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: {
          principalId: '',
          integrationLatency: 0,
          jwt: { claims: claims as Record<string, string>, scopes: [] },
        },
        domainName: headers.host ?? '127.0.0.1',
        domainPrefix: '127',
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: routeKey(match.route),
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !text,
    };
    const handler = options.handlerFor(match.route);
    const result = (await handler(
      event,
      lambdaContext(routeFunctionName(match.route)),
    )) as APIGatewayProxyStructuredResultV2;
    res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
  }
  // Requests Node's parser refuses (a request line and headers over its limit, broken HTTP) get a
  // problem too, as API Gateway answers them itself on AWS.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const detail = status === 431 ? 'the request line and headers are too large' : 'the request is not valid HTTP';
    const body = JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status, detail });
    const head = [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'content-type: application/problem+json',
      `${correlationHeader}: ${randomUUID()}`,
    ];
    socket.end(
      `${[...head, `content-length: ${Buffer.byteLength(body)}`, 'connection: close'].join('\r\n')}\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { server, url: `http://127.0.0.1:${port}` };
}
