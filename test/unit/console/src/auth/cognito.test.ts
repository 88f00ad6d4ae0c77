import {
  beginSignIn,
  CognitoError,
  completeSignIn,
  type CognitoDeps,
  refreshTokens,
  signOutUrl,
} from '../../../../../console/src/auth/cognito';
import type { CognitoAuth } from '../../../../../console/src/contracts';

const cfg: CognitoAuth = {
  mode: 'cognito',
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_abc',
  clientId: 'client123',
  domain: 'https://ec.auth.eu-west-1.amazoncognito.com/',
};
const redirectUri = 'https://console.example.com/callback';

// RFC 7636 appendix B: these 32 octets give this verifier, whose S256 challenge is this.
const RFC_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91,
  88, 5, 88, 83, 132, 141, 121,
];
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

interface Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  form: Record<string, string>;
}

/** Fakes for the browser: a Map for sessionStorage, a recorded location, a scripted token endpoint. */
function fakes(answer: { status: number; body: unknown } | Error = { status: 200, body: {} }) {
  const store = new Map<string, string>();
  const requests: Request[] = [];
  const assigned: string[] = [];
  const deps: CognitoDeps = {
    fetch: async (url, init) => {
      requests.push({
        url,
        method: init.method,
        headers: init.headers,
        form: Object.fromEntries(new URLSearchParams(init.body)),
      });
      if (answer instanceof Error) throw answer;
      return { ok: answer.status < 300, status: answer.status, text: async () => JSON.stringify(answer.body) };
    },
    // The real WebCrypto digest (Node has it); random bytes scripted: the RFC's octets for the verifier.
    crypto: {
      getRandomValues: (array) => {
        array.set(array.length === 32 ? RFC_OCTETS : array.map((_, i) => i + 1));
        return array;
      },
      subtle: { digest: (algorithm, data) => globalThis.crypto.subtle.digest(algorithm, data) },
    },
    storage: {
      getItem: (key) => store.get(key) ?? null,
      setItem: (key, value) => void store.set(key, value),
      removeItem: (key) => void store.delete(key),
    },
    location: { assign: (url) => void assigned.push(url) },
    now: () => 1_000_000,
  };
  return { deps, store, requests, assigned };
}

async function begin(f: ReturnType<typeof fakes>): Promise<URL> {
  await beginSignIn(cfg, redirectUri, f.deps);
  expect(f.assigned).toHaveLength(1);
  return new URL(f.assigned[0]!);
}

describe('beginSignIn', () => {
  it('redirects to the hosted UI with the S256 challenge of RFC 7636 appendix B', async () => {
    const f = fakes();
    const url = await begin(f);
    expect(`${url.origin}${url.pathname}`).toBe('https://ec.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: 'AQIDBAUGBwgJCgsMDQ4PEA',
      code_challenge: RFC_CHALLENGE,
      code_challenge_method: 'S256',
    });
    expect(f.assigned[0]).toContain('scope=openid+email+profile');
  });

  it('keeps the state and the code verifier in session storage for the callback', async () => {
    const f = fakes();
    await begin(f);
    const [stored] = [...f.store.values()];
    expect(JSON.parse(stored!)).toEqual({ state: 'AQIDBAUGBwgJCgsMDQ4PEA', verifier: RFC_VERIFIER });
  });

  it('uses fresh random values from WebCrypto when nothing is injected but storage and location', async () => {
    const a = fakes();
    const b = fakes();
    const real = (f: ReturnType<typeof fakes>) => ({ storage: f.deps.storage, location: f.deps.location });
    await beginSignIn(cfg, redirectUri, real(a));
    await beginSignIn(cfg, redirectUri, real(b));
    const challenge = (f: ReturnType<typeof fakes>) => new URL(f.assigned[0]!).searchParams.get('code_challenge');
    expect(challenge(a)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge(a)).not.toBe(challenge(b));
    const verifier = JSON.parse([...a.store.values()][0]!).verifier;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('completeSignIn', () => {
  const tokens = { access_token: 'AT', id_token: 'IT', refresh_token: 'RT', expires_in: 3600, token_type: 'Bearer' };

  it('redeems the code with the verifier and returns the tokens with their expiry', async () => {
    const f = fakes({ status: 200, body: tokens });
    const state = (await begin(f)).searchParams.get('state');
    const result = await completeSignIn(cfg, redirectUri, new URL(`${redirectUri}?code=C0DE&state=${state}`), f.deps);
    expect(result).toEqual({ accessToken: 'AT', idToken: 'IT', refreshToken: 'RT', expiresAt: 1_000_000 + 3_600_000 });
    expect(f.requests).toEqual([
      {
        url: 'https://ec.auth.eu-west-1.amazoncognito.com/oauth2/token',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        form: {
          grant_type: 'authorization_code',
          client_id: 'client123',
          code: 'C0DE',
          redirect_uri: redirectUri,
          code_verifier: RFC_VERIFIER,
        },
      },
    ]);
    expect(f.store.size).toBe(0);
  });

  it('reports the error the hosted UI sent back, without calling the token endpoint', async () => {
    const f = fakes();
    await begin(f);
    const url = new URL(`${redirectUri}?error=access_denied&error_description=User+cancelled`);
    const err = await completeSignIn(cfg, redirectUri, url, f.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CognitoError);
    expect(err).toMatchObject({ code: 'refused', message: 'Sign-in was refused: access_denied (User cancelled)' });
    expect(f.requests).toHaveLength(0);
  });

  it('refuses a callback whose state is not the one this tab sent', async () => {
    const f = fakes({ status: 200, body: tokens });
    await begin(f);
    const err = await completeSignIn(cfg, redirectUri, new URL(`${redirectUri}?code=C&state=forged`), f.deps).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'state-mismatch' });
    expect(f.requests).toHaveLength(0);
  });

  it('refuses a callback replayed after the sign-in completed', async () => {
    const f = fakes({ status: 200, body: tokens });
    const callback = new URL(`${redirectUri}?code=C&state=${(await begin(f)).searchParams.get('state')}`);
    await completeSignIn(cfg, redirectUri, callback, f.deps);
    await expect(completeSignIn(cfg, redirectUri, callback, f.deps)).rejects.toMatchObject({ code: 'state-mismatch' });
  });

  it("says why the exchange failed with the token endpoint's error", async () => {
    const f = fakes({ status: 400, body: { error: 'invalid_grant' } });
    const state = (await begin(f)).searchParams.get('state');
    await expect(
      completeSignIn(cfg, redirectUri, new URL(`${redirectUri}?code=old&state=${state}`), f.deps),
    ).rejects.toMatchObject({
      code: 'exchange-failed',
      message: 'Signing in failed: the token endpoint answered 400 (invalid_grant)',
    });
  });

  it('says when the token endpoint cannot be reached', async () => {
    const f = fakes(new TypeError('Failed to fetch'));
    const state = (await begin(f)).searchParams.get('state');
    await expect(
      completeSignIn(cfg, redirectUri, new URL(`${redirectUri}?code=C&state=${state}`), f.deps),
    ).rejects.toMatchObject({
      code: 'exchange-failed',
      message: 'Signing in failed: the token endpoint could not be reached (Failed to fetch)',
    });
  });
});

describe('refreshTokens', () => {
  it('keeps the old refresh token when Cognito returns none', async () => {
    const f = fakes({ status: 200, body: { access_token: 'AT2', id_token: 'IT2', expires_in: 60 } });
    const result = await refreshTokens(cfg, 'RT', f.deps);
    expect(result).toEqual({ accessToken: 'AT2', idToken: 'IT2', refreshToken: 'RT', expiresAt: 1_000_000 + 60_000 });
    expect(f.requests[0]?.form).toEqual({ grant_type: 'refresh_token', client_id: 'client123', refresh_token: 'RT' });
  });

  it('takes a new refresh token when one is returned', async () => {
    const f = fakes({ status: 200, body: { access_token: 'AT2', refresh_token: 'RT2', expires_in: 60 } });
    expect(await refreshTokens(cfg, 'RT', f.deps)).toMatchObject({ refreshToken: 'RT2' });
  });

  it('fails with a typed error when the refresh token is refused', async () => {
    const f = fakes({ status: 400, body: { error: 'invalid_grant', error_description: 'Refresh Token has expired' } });
    await expect(refreshTokens(cfg, 'RT', f.deps)).rejects.toMatchObject({
      code: 'refresh-failed',
      message:
        'Renewing the session failed: the token endpoint answered 400 (invalid_grant: Refresh Token has expired)',
    });
  });
});

describe('signOutUrl', () => {
  it("is the hosted UI's logout endpoint with the client id and the encoded logout URI", () => {
    expect(signOutUrl(cfg, 'https://console.example.com/signed-out')).toBe(
      'https://ec.auth.eu-west-1.amazoncognito.com/logout?client_id=client123&logout_uri=' +
        'https%3A%2F%2Fconsole.example.com%2Fsigned-out',
    );
  });
});
