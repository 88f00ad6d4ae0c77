/**
 * `POST /local/token {"tenant", "admin"?}` → `{"token", "expiresAt"}`: the local issuer over HTTP,
 * for `ecaffe login --local` and the console's local sign-in. Served by the local gateway only:
 * it is no route of the API (not in the route table, the OpenAPI document or the AWS stack).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tenantIdSchema } from '../core/ids';
import { issueToken } from './auth';

/** A request the gateway offers before its route table; true when it answered it. */
export type LocalRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export const localTokenPath = '/local/token';
const maxBodyBytes = 4096;

const answer = (res: ServerResponse, status: number, body: object, contentType = 'application/json') => {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

/** Answers a problem; `true` tells the gateway the route handled the request. */
const refuse = (res: ServerResponse, status: number, detail: string, field?: string): true => {
  answer(
    res,
    status,
    {
      type: 'about:blank',
      title: status === 405 ? 'Method not allowed' : 'Invalid request',
      status,
      detail,
      ...(field ? { errors: [{ field, message: detail }] } : {}),
    },
    'application/problem+json',
  );
  return true;
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > maxBodyBytes) throw new Error(`the body is over ${maxBodyBytes} bytes`);
  }
  return JSON.parse(text);
}

/** The route, issuing tokens with the issuer key under `home`. */
export function localTokenRoute(home: string): LocalRoute {
  return async (req, res, url) => {
    if (url.pathname !== localTokenPath) return false;
    if (req.method !== 'POST') return refuse(res, 405, `use POST ${localTokenPath}`);
    let body: { tenant?: unknown; admin?: unknown };
    try {
      body = (await readJson(req)) as typeof body;
    } catch (error) {
      return refuse(res, 400, `send a JSON body {"tenant": "<name>", "admin": false}: ${(error as Error).message}`);
    }
    const { tenant, admin } = body ?? {};
    if (typeof tenant !== 'string' || !tenantIdSchema.safeParse(tenant).success)
      return refuse(res, 400, 'tenant must be 1–128 letters, digits and _ + = , . @ : -', 'tenant');
    if (admin !== undefined && typeof admin !== 'boolean')
      return refuse(res, 400, 'admin must be true or false', 'admin');
    const token = await issueToken(home, tenant, { admin: admin === true });
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number };
    answer(res, 200, { token, tenant, admin: admin === true, expiresAt: new Date(exp * 1000).toISOString() });
    return true;
  };
}
