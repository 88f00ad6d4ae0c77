/**
 * IAM auth (the stack's authMode iam): every request signed with SigV4 for `execute-api`, with the
 * default AWS credential chain (environment, SSO, shared files, web identity, container and
 * instance roles). The signing is @smithy/signature-v4's, the AWS SDK's own.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AuthProvider } from '../auth';

export interface IamAuthOptions {
  /** The API's region. */
  region: string;
  /** Default: the AWS SDK's default credential chain (`defaultProvider()`), for `profile` if given. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** An AWS profile of the shared config files. */
  profile?: string;
  /** Default `execute-api`. */
  service?: string;
  /** Fixed signing time (tests); default: now. */
  signingDate?: () => Date;
}

export function iamAuth(options: IamAuthOptions): AuthProvider {
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    credentials: options.credentials ?? defaultProvider(options.profile ? { profile: options.profile } : {}),
    sha256: Sha256,
    // x-amz-content-sha256 is S3's; API Gateway signs the payload hash without it.
    applyChecksum: false,
  });
  return {
    async authorize(request) {
      const url = new URL(request.url);
      const body = request.body ? new Uint8Array(await request.clone().arrayBuffer()) : undefined;
      const headers: Record<string, string> = { host: url.host };
      request.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const query: Record<string, string | string[]> = {};
      for (const name of new Set(url.searchParams.keys())) {
        const values = url.searchParams.getAll(name);
        query[name] = values.length > 1 ? values : values[0]!;
      }
      const unsigned = new HttpRequest({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers,
        ...(body ? { body } : {}),
      });
      const signed = await signer.sign(unsigned, options.signingDate ? { signingDate: options.signingDate() } : {});
      const out = new Headers();
      // fetch sets Host itself, from the same URL the signature covers.
      for (const [name, value] of Object.entries(signed.headers))
        if (name.toLowerCase() !== 'host') out.set(name, value);
      return new Request(request, { headers: out });
    },
  };
}
