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

/** Where a provider keeps its tokens between runs: memory, storage, a file (`fileTokenCache`, sdk/node). */
export interface TokenCache<T> {
  load(): Promise<T | undefined>;
  save(tokens: T): Promise<void>;
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
  /** Keeps the token between runs (a command line's next command skips the issuer's round trip). */
  cache?: TokenCache<LocalToken>;
}

/** A local token as cached, with whom it was issued to: a cache written for another tenant is not used. */
export interface LocalToken {
  endpoint: string;
  tenant: string;
  admin: boolean;
  token: string;
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

/**
 * The local system's issuer, asked again when the token nears its expiry. With a cache, a token
 * it holds for the same endpoint and tenant is used first; after a 401 (e.g. the local system's
 * signing key is new) the cache is passed over once and the fresh token replaces it.
 */
export function localTokenAuth(options: LocalTokenOptions): AuthProvider {
  const issuedTo = { endpoint: options.endpoint, tenant: options.tenant, admin: options.admin === true };
  const fits = (cached: LocalToken | undefined): cached is LocalToken =>
    !!cached &&
    cached.endpoint === issuedTo.endpoint &&
    cached.tenant === issuedTo.tenant &&
    cached.admin === issuedTo.admin &&
    !needsRenewal(cached.token);
  let token: string | undefined;
  let cacheRefused = false;
  return bearerAuth(
    async () => {
      if (!needsRenewal(token)) return token!;
      const cached = cacheRefused ? undefined : await options.cache?.load().catch(() => undefined);
      if (fits(cached)) return (token = cached.token);
      token = await fetchLocalToken(options);
      cacheRefused = false;
      await options.cache?.save({ ...issuedTo, token }).catch(() => undefined); // a cache that fails costs a round trip
      return token;
    },
    () => {
      token = undefined;
      cacheRefused = true;
    },
  );
}
