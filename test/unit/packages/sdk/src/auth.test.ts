/**
 * Auth providers of the SDK against mocked AWS: IAM signing (@smithy/signature-v4 with the default
 * credential chain) checked against AWS's published SigV4 test vector, and Cognito sign-in,
 * refresh and the token cache on disk against mocked InitiateAuth answers (aws-sdk-client-mock); the
 * local issuer's token kept between runs, and passed over when it is for someone else or was refused.
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cognitoAuth, cognitoSignIn, SignInError, type CognitoTokens } from '@elastic-caffe/sdk/cognito';
import { localTokenAuth, type LocalToken } from '@elastic-caffe/sdk';
import { fileTokenCache, iamAuth } from '@elastic-caffe/sdk/node';

// AWS's SigV4 test suite, "get-vanilla": GET / on example.amazonaws.com, service "service", us-east-1.
const vector = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  date: new Date('2015-08-30T12:36:00Z'),
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
    'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
};

describe('IAM (SigV4)', () => {
  const saved = { ...process.env };
  afterEach(() => (process.env = { ...saved }));

  test("signs exactly as AWS's get-vanilla test vector says", async () => {
    const auth = iamAuth({
      region: 'us-east-1',
      service: 'service',
      credentials: vector,
      signingDate: () => vector.date,
    });
    const signed = await auth.authorize(new Request('https://example.amazonaws.com/'));
    expect(signed.headers.get('authorization')).toBe(vector.authorization);
    expect(signed.headers.get('x-amz-date')).toBe('20150830T123600Z');
  });

  test(
    'takes credentials from the default chain (here: the ' + 'environment) when given none, with the session token',
    async () => {
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: vector.accessKeyId,
        AWS_SECRET_ACCESS_KEY: vector.secretAccessKey,
        AWS_SESSION_TOKEN: 'session-1',
      });
      const auth = iamAuth({ region: 'eu-west-1', signingDate: () => vector.date });
      const signed = await auth.authorize(
        new Request('https://abc.execute-api.eu-west-1.amazonaws.com/v1/training-jobs?limit=5', {
          method: 'POST',
          body: '{"solverId":"sv_1"}',
        }),
      );
      expect(signed.headers.get('authorization')).toMatch(
        new RegExp(
          String.raw`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request, ` +
            'SignedHeaders=[a-z;-]*x-amz-security-token[a-z;-]*, Signature=[0-9a-f]{64}$',
        ),
      );
      expect(signed.headers.get('x-amz-security-token')).toBe('session-1');
      expect(await signed.text()).toBe('{"solverId":"sv_1"}');
    },
  );
});

describe('Cognito', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  let dir: string;
  beforeEach(async () => {
    cognito.reset();
    dir = await mkdtemp(path.join(os.tmpdir(), 'sdk-cognito-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** An (unsigned) JWT that expires `inSeconds` from now: the SDK reads only `exp`. */
  const jwt = (name: string, inSeconds: number) =>
    `${['{"alg":"none"}', JSON.stringify({ sub: name, exp: Math.floor(Date.now() / 1000) + inSeconds })]
      .map((part) => Buffer.from(part).toString('base64url'))
      .join('.')}.sig`;
  const options = () => ({
    region: 'eu-west-1',
    clientId: 'client-1',
    cache: fileTokenCache<CognitoTokens>(path.join(dir, 'tokens', 'default.json')),
    client: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
  });

  test('signs in with the password, keeps the tokens in a 0600 file, and uses them without asking again', async () => {
    const id = jwt('alice', 3600);
    cognito
      .on(InitiateAuthCommand, { AuthFlow: 'USER_PASSWORD_AUTH' })
      .resolves({ AuthenticationResult: { IdToken: id, RefreshToken: 'refresh-1' } });

    await cognitoSignIn({ ...options(), username: 'alice@example.com', password: async () => 'pw' });
    const signed = await cognitoAuth(options()).authorize(new Request('https://api.example.com/v1/datasets'));

    expect(signed.headers.get('authorization')).toBe(`Bearer ${id}`);
    expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(1);
    expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input).toEqual({
      ClientId: 'client-1',
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: 'alice@example.com', PASSWORD: 'pw' },
    });
    const file = path.join(dir, 'tokens', 'default.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      idToken: id,
      refreshToken: 'refresh-1',
      username: 'alice@example.com',
    });
  });

  test('an expired ID token is renewed with the cached refresh token, and the new one is cached', async () => {
    const fresh = jwt('alice', 3600);
    await options().cache.save({ idToken: jwt('alice', -10), refreshToken: 'refresh-1', username: 'alice' });
    cognito
      .on(InitiateAuthCommand, { AuthFlow: 'REFRESH_TOKEN_AUTH' })
      .resolves({ AuthenticationResult: { IdToken: fresh } });

    const signed = await cognitoAuth(options()).authorize(new Request('https://api.example.com/v1/datasets'));

    expect(signed.headers.get('authorization')).toBe(`Bearer ${fresh}`);
    expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input.AuthParameters).toEqual({
      REFRESH_TOKEN: 'refresh-1',
    });
    expect(await options().cache.load()).toEqual({ idToken: fresh, refreshToken: 'refresh-1', username: 'alice' });
  });

  test('a revoked refresh token without a password asks to sign in again', async () => {
    await options().cache.save({ idToken: jwt('alice', -10), refreshToken: 'revoked', username: 'alice' });
    cognito
      .on(InitiateAuthCommand)
      .rejects(Object.assign(new Error('Refresh Token has been revoked'), { name: 'NotAuthorizedException' }));
    await expect(cognitoAuth(options()).authorize(new Request('https://api.example.com/'))).rejects.toThrow(
      /sign in again \(ecaffe login\)/,
    );
  });

  test('a wrong password and a challenge are SignInErrors that say what happened', async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejectsOnce(Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException' }))
      .resolvesOnce({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' });
    const signIn = () => cognitoSignIn({ ...options(), username: 'bob', password: async () => 'wrong' });
    await expect(signIn()).rejects.toThrow(
      new SignInError('Cognito refused the sign-in of bob: Incorrect username or password.'),
    );
    await expect(signIn()).rejects.toThrow(/asks for NEW_PASSWORD_REQUIRED/);
  });
});

describe('Local tokens', () => {
  const jwt = (exp: number, n: number) => `e30.${Buffer.from(JSON.stringify({ exp, n })).toString('base64url')}.sig`;
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
  /** The local issuer: a new token per call, counting calls and keeping what it was asked. */
  function issuer() {
    const asked: unknown[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      asked.push(JSON.parse(String(init.body)));
      return Response.json({ token: jwt(inAnHour(), asked.length) });
    }) as unknown as typeof globalThis.fetch;
    return { fetch, asked };
  }
  const tokenOf = async (auth: ReturnType<typeof localTokenAuth>) =>
    (await auth.authorize(new Request('http://127.0.0.1:3000/v1/datafiles'))).headers.get('authorization');
  const options = { endpoint: 'http://127.0.0.1:3000', tenant: 'alice' };

  test('a token is fetched once and kept: the next run (a new provider on the same cache) asks no more', async () => {
    const { fetch, asked } = issuer();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdk-local-token-'));
    try {
      const cache = fileTokenCache<LocalToken>(path.join(dir, 'tokens', 'default.local.json'));
      const first = await tokenOf(localTokenAuth({ ...options, fetch, cache }));
      const second = await tokenOf(localTokenAuth({ ...options, fetch, cache }));
      expect(asked).toEqual([{ tenant: 'alice' }]);
      expect(second).toBe(first);
      expect(await cache.load()).toEqual({ ...options, admin: false, token: first!.replace('Bearer ', '') });
      expect((await stat(path.join(dir, 'tokens', 'default.local.json'))).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a cached token for another tenant, endpoint or role, or one about to expire, is not used', async () => {
    const stale = [
      { ...options, tenant: 'bob', admin: false, token: jwt(inAnHour(), 0) },
      { ...options, endpoint: 'http://127.0.0.1:4000', admin: false, token: jwt(inAnHour(), 0) },
      { ...options, admin: true, token: jwt(inAnHour(), 0) },
      { ...options, admin: false, token: jwt(Math.floor(Date.now() / 1000) + 30, 0) },
    ];
    for (const cached of stale) {
      const { fetch, asked } = issuer();
      let saved: LocalToken | undefined = cached;
      const cache = { load: async () => saved, save: async (token: LocalToken) => void (saved = token) };
      const header = await tokenOf(localTokenAuth({ ...options, fetch, cache }));
      expect(asked).toHaveLength(1);
      expect(header).not.toContain(cached.token);
      expect(saved).toEqual({ ...options, admin: false, token: header!.replace('Bearer ', '') });
    }
  });

  test('after a 401 the cached token is passed over once, and the fresh one replaces it', async () => {
    const { fetch, asked } = issuer();
    let saved: LocalToken | undefined = { ...options, admin: false, token: jwt(inAnHour(), 0) };
    const cache = { load: async () => saved, save: async (token: LocalToken) => void (saved = token) };
    const cachedToken = saved.token;
    const auth = localTokenAuth({ ...options, fetch, cache });
    expect(await tokenOf(auth)).toBe(`Bearer ${cachedToken}`);
    expect(asked).toHaveLength(0);
    auth.invalidate!(); // the API answered 401: e.g. the local system's signing key is new
    const fresh = await tokenOf(auth);
    expect(asked).toHaveLength(1);
    expect(saved!.token).toBe(fresh!.replace('Bearer ', ''));
    expect(await tokenOf(auth)).toBe(fresh); // and kept in memory
    expect(asked).toHaveLength(1);
  });
});
