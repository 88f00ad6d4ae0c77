/**
 * Who is signed in: tokens kept in sessionStorage (gone when the tab closes, never shared with other
 * sites), the tenant and admin flag read from the token's claims, and an API client that sends the
 * token — renewing it before it expires (the local issuer again, or Cognito's refresh token).
 */
import { bearerAuth, ElasticCaffe, fetchLocalToken, jwtExpiry, needsRenewal } from '@elastic-caffe/sdk';
import { refreshTokens } from './auth/cognito';
import type { ConsoleConfig, Tokens } from './contracts';

export interface Session {
  /** The tenant id (the token's subject). */
  readonly tenant: string;
  /** A name to show (Cognito's user name; the tenant locally). */
  readonly displayName: string;
  readonly admin: boolean;
  readonly tokens: Tokens;
  /** Local sign-in only: how to ask the local issuer again. */
  readonly local?: { readonly tenant: string; readonly admin: boolean };
}

const storageKey = 'elastic-caffe.session';
/** The group whose members may use the admin routes (core/topology.ts adminGroup). */
const adminGroup = 'admins';

interface Claims {
  sub?: string;
  'cognito:username'?: string;
  'cognito:groups'?: string[];
}

function claimsOf(token: string): Claims {
  try {
    const payload = token.split('.')[1] ?? '';
    return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Claims;
  } catch {
    return {};
  }
}

/** The token the API's JWT authorizer takes: Cognito's ID token, or the local token. */
export const bearerOf = (tokens: Tokens): string => tokens.idToken ?? tokens.accessToken;

/** A session from freshly issued tokens. */
export function sessionFromTokens(tokens: Tokens, local?: Session['local']): Session {
  const claims = claimsOf(bearerOf(tokens));
  const tenant = claims.sub ?? 'unknown';
  return {
    tenant,
    displayName: claims['cognito:username'] ?? tenant,
    admin: (claims['cognito:groups'] ?? []).includes(adminGroup),
    tokens,
    ...(local ? { local } : {}),
  };
}

export function loadSession(): Session | undefined {
  try {
    const stored = sessionStorage.getItem(storageKey);
    return stored ? (JSON.parse(stored) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(storageKey, JSON.stringify(session));
  else sessionStorage.removeItem(storageKey);
}

/** The API's base URL: the configured one, or this page's origin (the local gateway serves both). */
export const apiEndpoint = (config: ConsoleConfig): string => config.apiUrl || location.origin;

/** `POST /local/token` on the local cloud: a session for the tenant. */
export async function signInLocally(config: ConsoleConfig, tenant: string, admin: boolean): Promise<Session> {
  const token = await fetchLocalToken({ endpoint: apiEndpoint(config), tenant, admin });
  const tokens: Tokens = { accessToken: token, expiresAt: (jwtExpiry(token) ?? 0) * 1000 };
  return sessionFromTokens(tokens, { tenant, admin });
}

/** A session whose tokens are renewed when they near their expiry. */
async function renewed(config: ConsoleConfig, session: Session): Promise<Session> {
  if (session.local) return signInLocally(config, session.local.tenant, session.local.admin);
  if (config.auth.mode === 'cognito' && session.tokens.refreshToken) {
    const tokens = await refreshTokens(config.auth, session.tokens.refreshToken);
    return sessionFromTokens({ ...tokens, refreshToken: tokens.refreshToken ?? session.tokens.refreshToken });
  }
  throw new Error('the session has expired: sign in again');
}

/**
 * An API client for the session. `onChange` hears of renewed tokens (to store them) and of a
 * session that could not be renewed (undefined: sign in again).
 */
export function clientFor(
  config: ConsoleConfig,
  initial: Session,
  onChange: (session: Session | undefined) => void,
): ElasticCaffe {
  let session = initial;
  let forced = false;
  const token = async () => {
    if (forced || needsRenewal(bearerOf(session.tokens))) {
      forced = false;
      try {
        session = await renewed(config, session);
        onChange(session);
      } catch (error) {
        onChange(undefined);
        throw error;
      }
    }
    return bearerOf(session.tokens);
  };
  return new ElasticCaffe({ endpoint: apiEndpoint(config), auth: bearerAuth(token, () => (forced = true)) });
}
