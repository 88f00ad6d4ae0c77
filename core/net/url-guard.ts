/**
 * The SSRF guard for URLs a tenant asks the service to fetch (datafile and solver imports).
 * The API checks what the URL itself says (scheme, credentials, an address literal); the worker
 * checks again at fetch time, on every address the name resolves to (core/net/guarded-fetch.ts).
 * Link-local (the instance metadata address) and reserved addresses are refused always; loopback
 * and private networks only unless the deployment allows them (local mode allows loopback, so
 * tests can serve files from 127.0.0.1).
 */
import { read } from '../config';
import { ValidationError } from '../errors';
import { addressClass, type AddressClass } from './ip-class';

/** Which non-public networks a deployment lets imports reach. */
export interface UrlPolicy {
  loopback: boolean;
  private: boolean;
}

/**
 * The policy from `ELASTIC_CAFFE_ALLOW_PRIVATE_URLS` (a comma-separated list of `loopback`, `private`; unset: neither).
 */
export function urlPolicy(env: NodeJS.ProcessEnv = process.env): UrlPolicy {
  const allowed = read('allowPrivateUrls', env);
  return { loopback: allowed.includes('loopback'), private: allowed.includes('private') };
}

/** A URL the service will not fetch; a 400 naming the field when raised at submit. */
export class UrlRefused extends ValidationError {
  constructor(field: string, url: string, reason: string) {
    super(`${field} ${url} is refused: ${reason}`, [{ field, message: reason }]);
  }
}

const classReason: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'it points at a loopback address',
  private: 'it points at a private network address',
  'link-local': 'it points at a link-local address (such as the instance metadata service)',
  reserved: 'it points at a reserved or unspecified address',
};

/** Why an address may not be contacted under the policy, or undefined if it may. */
export function addressProblem(address: string, policy: UrlPolicy): string | undefined {
  const kind = addressClass(address);
  if (!kind) return `"${address}" is not an IP address`;
  if (kind === 'public' || (kind === 'loopback' && policy.loopback) || (kind === 'private' && policy.private))
    return undefined;
  return classReason[kind];
}

/**
 * Checks what can be checked without DNS and returns the parsed URL: http(s) only, no
 * credentials, and a host that is not a forbidden address literal or a `localhost` name. The
 * WHATWG parser has already turned `0x7f.1`, `2130706433` and `[::ffff:127.0.0.1]` into canonical
 * addresses, so odd spellings are judged by the address they mean.
 */
export function checkUrl(field: string, raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused(field, raw, 'it is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UrlRefused(field, raw, `only http and https URLs can be imported, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password)
    throw new UrlRefused(field, raw, 'URLs with a user name or password are not accepted');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const named = addressClass(host) === undefined;
  if (named) {
    const lower = host.toLowerCase().replace(/\.$/, '');
    if ((lower === 'localhost' || lower.endsWith('.localhost')) && !policy.loopback)
      throw new UrlRefused(field, raw, classReason.loopback);
    return url;
  }
  const problem = addressProblem(host, policy);
  if (problem) throw new UrlRefused(field, raw, problem);
  return url;
}
