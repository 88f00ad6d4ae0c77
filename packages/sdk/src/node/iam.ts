/**
 * IAM auth (the stack's authMode iam): every request signed with SigV4 for `execute-api`, with the
 * default AWS credential chain (environment, SSO, shared files, web identity, container and
 * instance roles). The signing is @smithy/signature-v4's, the AWS SDK's own.
 */
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

/**
 * The signer and the credential chain load on the first signed request, not with this module:
 * `@elastic-caffe/sdk/node` exports `iamAuth`, and loading the AWS SDK up front cost every command
 * of the CLI, signed or not, about 30 ms of start-up.
 */
function signerFor(options: IamAuthOptions) {
  const { Sha256 } = require('@aws-crypto/sha256-js') as typeof import('@aws-crypto/sha256-js');
  const { defaultProvider } =
    require('@aws-sdk/credential-provider-node') as typeof import('@aws-sdk/credential-provider-node');
  const { HttpRequest } = require('@smithy/protocol-http') as typeof import('@smithy/protocol-http');
  const { SignatureV4 } = require('@smithy/signature-v4') as typeof import('@smithy/signature-v4');
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    credentials: options.credentials ?? defaultProvider(options.profile ? { profile: options.profile } : {}),
    sha256: Sha256,
    // x-amz-content-sha256 is S3's; API Gateway signs the payload hash without it.
    applyChecksum: false,
  });
  return { signer, HttpRequest };
}

export function iamAuth(options: IamAuthOptions): AuthProvider {
  let loaded: ReturnType<typeof signerFor> | undefined;
  return {
    async authorize(request) {
      loaded ??= signerFor(options);
      const { signer, HttpRequest } = loaded;
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
