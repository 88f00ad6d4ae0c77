/**
 * The local token issuer: stands in for the Cognito user pool. It signs ES256 JWTs with a key kept
 * under the local home, and the local gateway verifies them the way API Gateway's JWT authorizer
 * does (issuer, audience, expiry), then hands the claims to handlers in the same place.
 */
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export const localIssuer = 'https://elastic-caffe.local/issuer';
export const localAudience = 'elastic-caffe-local';
const tokenLifetime = '12h';
const keyFileName = 'issuer-key.json';

interface StoredKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

async function loadOrCreateKey(home: string): Promise<StoredKey> {
  const file = path.join(home, keyFileName);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKey;
  } catch {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const stored = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    await mkdir(home, { recursive: true });
    // Written exclusively: two processes creating the key at once keep one, and the loser re-reads it.
    try {
      await writeFile(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
    } catch {
      return JSON.parse(await readFile(file, 'utf8')) as StoredKey;
    }
    return stored;
  }
}

/** A bearer token for the tenant, valid 12 h. Admins carry the `admins` group, as in Cognito. */
export async function issueToken(home: string, tenantId: string, options: { admin?: boolean } = {}): Promise<string> {
  const { privateJwk } = await loadOrCreateKey(home);
  const key = await importJWK(privateJwk, 'ES256');
  return new SignJWT({
    token_use: 'id',
    'cognito:username': tenantId,
    ...(options.admin ? { 'cognito:groups': ['admins'] } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'local' })
    .setSubject(tenantId)
    .setIssuer(localIssuer)
    .setAudience(localAudience)
    .setIssuedAt()
    .setExpirationTime(tokenLifetime)
    .sign(key);
}

/** A verifier for the gateway: the claims of a valid token, or an error saying what is wrong. */
export async function tokenVerifier(home: string): Promise<(token: string) => Promise<JWTPayload>> {
  const { publicJwk } = await loadOrCreateKey(home);
  const key = await importJWK(publicJwk, 'ES256');
  return async (token) => (await jwtVerify(token, key, { issuer: localIssuer, audience: localAudience })).payload;
}
