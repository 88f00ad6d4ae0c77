/**
 * Cognito sign-in for the API's user pool (authMode cognito): user name and password once
 * (USER_PASSWORD_AUTH on the pool's public app client), then the refresh token renews the ID token
 * the API's JWT authorizer checks. Tokens live in a `TokenCache` you choose: in memory by default,
 * on disk with `fileTokenCache` from `@elastic-caffe/sdk/node`, or the browser's storage.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { bearerAuth, needsRenewal, type AuthProvider, type TokenCache as AuthTokenCache } from './auth';

export interface CognitoTokens {
  idToken: string;
  refreshToken: string;
  username: string;
}

/** Where Cognito's tokens are kept (the refresh token among them). */
export type TokenCache = AuthTokenCache<CognitoTokens>;

export const memoryTokenCache = (initial?: CognitoTokens): TokenCache => {
  let tokens = initial;
  return { load: async () => tokens, save: async (next) => void (tokens = next) };
};

export interface CognitoOptions {
  region: string;
  /** The pool's app client (the stack's `UserPoolClientId` output). */
  clientId: string;
  cache?: TokenCache;
  /** For the first sign-in (and when the refresh token has expired or been revoked). */
  username?: string;
  password?: () => Promise<string>;
  /** A client of your own (tests pass one whose answers are mocked). */
  client?: CognitoIdentityProviderClient;
}

/** Signing in did not give tokens: wrong password, a challenge (new password, MFA), or no credentials. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

const clients = new WeakMap<CognitoOptions, CognitoIdentityProviderClient>();
const clientOf = (options: CognitoOptions) => {
  if (options.client) return options.client;
  if (!clients.has(options)) clients.set(options, new CognitoIdentityProviderClient({ region: options.region }));
  return clients.get(options)!;
};

async function initiate(
  options: CognitoOptions,
  flow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH',
  parameters: Record<string, string>,
): Promise<AuthenticationResultType> {
  const answer = await clientOf(options).send(
    new InitiateAuthCommand({ ClientId: options.clientId, AuthFlow: flow, AuthParameters: parameters }),
  );
  if (!answer.AuthenticationResult?.IdToken)
    throw new SignInError(
      answer.ChallengeName
        ? `Cognito asks for ${answer.ChallengeName} before it gives tokens; complete it once ` +
            '(e.g. with the AWS CLI: aws cognito-idp respond-to-auth-challenge), then sign in again'
        : 'Cognito answered without tokens',
    );
  return answer.AuthenticationResult;
}

/** Signs in with the user name and password; saves and returns the tokens. */
export async function cognitoSignIn(
  options: CognitoOptions & { username: string; password: () => Promise<string> },
): Promise<CognitoTokens> {
  let result: AuthenticationResultType;
  try {
    result = await initiate(options, 'USER_PASSWORD_AUTH', {
      USERNAME: options.username,
      PASSWORD: await options.password(),
    });
  } catch (error) {
    if (error instanceof SignInError) throw error;
    const name = (error as Error).name;
    if (name === 'NotAuthorizedException' || name === 'UserNotFoundException')
      throw new SignInError(`Cognito refused the sign-in of ${options.username}: ${(error as Error).message}`);
    throw error;
  }
  const tokens = { idToken: result.IdToken!, refreshToken: result.RefreshToken ?? '', username: options.username };
  await options.cache?.save(tokens);
  return tokens;
}

/** A fresh ID token: the cached one, else renewed with the refresh token, else a sign-in with the password. */
export async function cognitoIdToken(options: CognitoOptions, renew = false): Promise<string> {
  const cached = await options.cache?.load();
  if (cached && !renew && !needsRenewal(cached.idToken)) return cached.idToken;
  if (cached?.refreshToken) {
    try {
      const result = await initiate(options, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: cached.refreshToken });
      // Cognito gives a new refresh token only when rotation is on; otherwise the old one stays valid.
      const tokens = { ...cached, idToken: result.IdToken!, refreshToken: result.RefreshToken ?? cached.refreshToken };
      await options.cache?.save(tokens);
      return tokens.idToken;
    } catch (error) {
      if ((error as Error).name !== 'NotAuthorizedException') throw error;
      // The refresh token expired or was revoked: sign in again below if we can.
    }
  }
  const username = options.username ?? cached?.username;
  if (!username || !options.password) throw new SignInError('no valid Cognito session: sign in again (ecaffe login)');
  return (await cognitoSignIn({ ...options, username, password: options.password })).idToken;
}

/** Bearer ID tokens from Cognito, renewed as they expire. */
export function cognitoAuth(options: CognitoOptions): AuthProvider {
  let token: string | undefined;
  let rejected = false; // the API refused the token (401): renew it even if it has not expired
  return bearerAuth(
    async () => {
      if (rejected || needsRenewal(token)) token = await cognitoIdToken(options, rejected);
      rejected = false;
      return token!;
    },
    () => (rejected = true),
  );
}
