/**
 * How requests prove who sends them. A provider turns a request into an authorized one; `invalidate`
 * is called after a 401 so the next request fetches a fresh token. Providers here are browser-safe;
 * Cognito is in `@elastic-caffe/sdk/cognito`, IAM (SigV4 with the default credential chain) in
 * `@elastic-caffe/sdk/node`.
 */
export interface AuthProvider {
  authorize(request: Request): Promise<Request>;
  invalidate?(): void;
}

/** A bearer token from `token()`, which may cache; `invalidate` forgets the cached one. */
export function bearerAuth(token: () => Promise<string>, invalidate?: () => void): AuthProvider {
  return {
    async authorize(request) {
      const headers = new Headers(request.headers);
      headers.set('authorization', `Bearer ${await token()}`);
      return new Request(request, { headers });
    },
    ...(invalidate ? { invalidate } : {}),
  };
}

/** A token you already have (e.g. from `npm run -s token -- alice`). */
export const staticToken = (token: string): AuthProvider => bearerAuth(async () => token);

/** Seconds since the epoch at which a JWT expires (its `exp`), or undefined when it has none. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp : undefined;
  } catch {
    return undefined;
  }
}

/** Tokens are renewed this long before they expire, so a request never leaves with a dying one. */
export const renewBeforeSeconds = 60;

/** True when the token is absent or expires within `renewBeforeSeconds`. */
export const needsRenewal = (token: string | undefined, now = Date.now()): boolean =>
  !token || (jwtExpiry(token) ?? Infinity) - renewBeforeSeconds <= now / 1000;

export interface LocalTokenOptions {
  /** The local system's base URL, e.g. http://127.0.0.1:3000. */
  endpoint: string;
  tenant: string;
  admin?: boolean;
  fetch?: typeof fetch;
}

/** Asks the local system's issuer for a token: `POST /local/token` (served by the local gateway only). */
export async function fetchLocalToken(options: LocalTokenOptions): Promise<string> {
  const response = await (options.fetch ?? fetch)(`${options.endpoint.replace(/\/$/, '')}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: options.tenant, ...(options.admin ? { admin: true } : {}) }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string; detail?: string };
  if (!response.ok || !body.token)
    throw new Error(
      `${options.endpoint} gave no local token (${response.status}${body.detail ? `: ${body.detail}` : ''}); ` +
        'is it the local system (npm start)?',
    );
  return body.token;
}

/** The local system's issuer, asked again when the token nears its expiry. */
export function localTokenAuth(options: LocalTokenOptions): AuthProvider {
  let token: string | undefined;
  return bearerAuth(
    async () => {
      if (needsRenewal(token)) token = await fetchLocalToken(options);
      return token!;
    },
    () => (token = undefined),
  );
}
