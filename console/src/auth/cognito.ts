// STAND-IN: replaced by the components helper's version at merge
/** Cognito hosted-UI sign-in (authorization code + PKCE): the signatures the console calls. */
import type { CognitoAuth, Tokens } from '../contracts';

const notBuilt = () => new Error('Cognito sign-in is not built yet');

export async function beginSignIn(_cfg: CognitoAuth, _redirectUri: string): Promise<void> {
  throw notBuilt();
}

export async function completeSignIn(_cfg: CognitoAuth, _redirectUri: string, _url: URL): Promise<Tokens> {
  throw notBuilt();
}

export async function refreshTokens(_cfg: CognitoAuth, _refreshToken: string): Promise<Tokens> {
  throw notBuilt();
}

export function signOutUrl(_cfg: CognitoAuth, _logoutUri: string): string {
  throw notBuilt();
}
