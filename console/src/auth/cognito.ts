/**
 * Sign-in through Cognito's hosted UI: the OAuth 2.0 authorization-code flow with PKCE (RFC 7636), in the
 * browser alone (WebCrypto, fetch, sessionStorage). The app client is public (no secret), so the code verifier
 * is what proves that the tab exchanging the code is the one that asked for it.
 */
import type { CognitoAuth, Tokens } from '../contracts';

/** What the browser gives; a unit test passes fakes (no sockets, no window). */
export interface CognitoDeps {
  readonly fetch: (url: string, init: TokenRequestInit) => Promise<HttpAnswer>;
  readonly crypto: RandomAndDigest;
  readonly storage: KeyValueStore;
  readonly location: { assign(url: string): void };
  /** Epoch milliseconds, for `Tokens.expiresAt`. */
  readonly now: () => number;
}
interface TokenRequestInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}
interface HttpAnswer {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
}
interface RandomAndDigest {
  getRandomValues(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
  readonly subtle: { digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> };
}
interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export type CognitoErrorCode = 'refused' | 'state-mismatch' | 'no-code' | 'exchange-failed' | 'refresh-failed';

/** A sign-in step that failed; `message` is fit to show the person signing in. */
export class CognitoError extends Error {
  override name = 'CognitoError';
  constructor(
    readonly code: CognitoErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** sessionStorage is per tab, so one pending sign-in per tab is all there can be. */
const PENDING_KEY = 'elastic-caffe.cognito.pending';
interface PendingSignIn {
  state: string;
  verifier: string;
}

/** Sends the browser to the hosted UI; the state and code verifier wait in sessionStorage for the callback. */
export async function beginSignIn(cfg: CognitoAuth, redirectUri: string, deps?: Partial<CognitoDeps>): Promise<void> {
  const d = withDefaults(deps);
  const pending: PendingSignIn = { state: randomToken(d.crypto, 16), verifier: randomToken(d.crypto, 32) };
  d.storage.setItem(PENDING_KEY, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state: pending.state,
    code_challenge: await s256Challenge(d.crypto, pending.verifier),
    code_challenge_method: 'S256',
  });
  d.location.assign(`${baseUrl(cfg)}/oauth2/authorize?${query}`);
}

/** Handles the hosted UI's redirect back (`url` is the callback's full URL): checks the state, redeems the code. */
export async function completeSignIn(
  cfg: CognitoAuth,
  redirectUri: string,
  url: URL,
  deps?: Partial<CognitoDeps>,
): Promise<Tokens> {
  const d = withDefaults(deps);
  // Read once and forget: a callback URL replayed later (history, a bookmark) must not sign in again.
  const pending = readPending(d.storage);
  d.storage.removeItem(PENDING_KEY);
  const params = url.searchParams;
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    throw new CognitoError('refused', `Sign-in was refused: ${error}${description ? ` (${description})` : ''}`);
  }
  if (!pending || params.get('state') !== pending.state) {
    throw new CognitoError(
      'state-mismatch',
      'This sign-in was not started in this tab (state mismatch); sign in again',
    );
  }
  const code = params.get('code');
  if (!code) throw new CognitoError('no-code', 'The sign-in callback carries no authorization code; sign in again');
  const form = {
    grant_type: 'authorization_code',
    client_id: cfg.clientId,
    code,
    redirect_uri: redirectUri,
    code_verifier: pending.verifier,
  };
  return tokenRequest(cfg, form, d, 'exchange-failed', undefined);
}

/** New tokens for a refresh token; Cognito returns no new refresh token, so the old one is kept. */
export async function refreshTokens(
  cfg: CognitoAuth,
  refreshToken: string,
  deps?: Partial<CognitoDeps>,
): Promise<Tokens> {
  const d = withDefaults(deps);
  const form = { grant_type: 'refresh_token', client_id: cfg.clientId, refresh_token: refreshToken };
  return tokenRequest(cfg, form, d, 'refresh-failed', refreshToken);
}

/** The hosted UI's logout endpoint, which ends its session and returns to `logoutUri` (an allowed sign-out URL). */
export function signOutUrl(cfg: CognitoAuth, logoutUri: string): string {
  return `${baseUrl(cfg)}/logout?${new URLSearchParams({ client_id: cfg.clientId, logout_uri: logoutUri })}`;
}

async function tokenRequest(
  cfg: CognitoAuth,
  form: Record<string, string>,
  d: CognitoDeps,
  failure: 'exchange-failed' | 'refresh-failed',
  previousRefreshToken: string | undefined,
): Promise<Tokens> {
  const what = failure === 'exchange-failed' ? 'Signing in failed' : 'Renewing the session failed';
  let status: number;
  let body: Record<string, unknown>;
  try {
    const answer = await d.fetch(`${baseUrl(cfg)}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    status = answer.status;
    body = parseJsonObject(await answer.text());
    if (!answer.ok) {
      const reason = [body.error, body.error_description].filter((s) => typeof s === 'string').join(': ');
      throw new CognitoError(failure, `${what}: the token endpoint answered ${status}${reason ? ` (${reason})` : ''}`);
    }
  } catch (err) {
    if (err instanceof CognitoError) throw err;
    throw new CognitoError(failure, `${what}: the token endpoint could not be reached (${(err as Error).message})`);
  }
  const { access_token: accessToken, id_token: idToken, refresh_token: refreshToken, expires_in: expiresIn } = body;
  if (typeof accessToken !== 'string' || typeof expiresIn !== 'number') {
    throw new CognitoError(failure, `${what}: the token endpoint's answer has no access token or expiry`);
  }
  return {
    accessToken,
    ...(typeof idToken === 'string' ? { idToken } : {}),
    ...(typeof refreshToken === 'string'
      ? { refreshToken }
      : previousRefreshToken
        ? { refreshToken: previousRefreshToken }
        : {}),
    expiresAt: d.now() + expiresIn * 1000,
  };
}

/** RFC 7636 section 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
async function s256Challenge(crypto: RandomAndDigest, verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** `bytes` random bytes as base64url: 32 give a 43-character verifier, inside RFC 7636's 43 to 128. */
function randomToken(crypto: RandomAndDigest, bytes: number): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function readPending(storage: KeyValueStore): PendingSignIn | undefined {
  const raw = storage.getItem(PENDING_KEY);
  if (!raw) return undefined;
  const value = parseJsonObject(raw);
  return typeof value.state === 'string' && typeof value.verifier === 'string'
    ? { state: value.state, verifier: value.verifier }
    : undefined;
}

function parseJsonObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The hosted UI's base URL as configured, without a trailing slash. */
function baseUrl(cfg: CognitoAuth): string {
  return cfg.domain.replace(/\/+$/, '');
}

/** The browser's own objects for whatever the caller did not inject; looked up at call time, not import time. */
function withDefaults(deps: Partial<CognitoDeps> | undefined): CognitoDeps {
  const browser = globalThis as unknown as {
    fetch: CognitoDeps['fetch'];
    crypto: RandomAndDigest;
    sessionStorage: KeyValueStore;
    location: CognitoDeps['location'];
  };
  return {
    fetch: deps?.fetch ?? ((url, init) => browser.fetch(url, init)),
    crypto: deps?.crypto ?? browser.crypto,
    storage: deps?.storage ?? browser.sessionStorage,
    location: deps?.location ?? browser.location,
    now: deps?.now ?? Date.now,
  };
}
