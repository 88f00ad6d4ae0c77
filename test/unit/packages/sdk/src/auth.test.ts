/**
 * Auth providers of the SDK against mocked AWS: IAM signing (@smithy/signature-v4 with the default
 * credential chain) checked against AWS's published SigV4 test vector, and Cognito sign-in,
 * refresh and the token cache on disk against mocked InitiateAuth answers (aws-sdk-client-mock).
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cognitoAuth, cognitoSignIn, SignInError } from '@elastic-caffe/sdk/cognito';
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
    cache: fileTokenCache(path.join(dir, 'tokens', 'default.json')),
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
