/**
 * One invocation's context: the global options, where output goes (JSON documents on stdout,
 * messages on stderr), and the SDK client for the chosen endpoint and profile — loaded lazily,
 * so `--help` never pays for the SDK.
 */
import type { AuthProvider, ElasticCaffe } from '@elastic-caffe/sdk/node';
import { defaultEndpoint, readConfig, tokenFile, type Profile } from './config';
import { keepFetchParserUnoptimized } from './fetch-parser';

export interface GlobalOptions {
  endpoint?: string;
  token?: string;
  profile?: string;
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** A failure the CLI explains itself: a message, what to do next, and its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const exitCodes = { ok: 0, refused: 1, usage: 2, failed: 3, interrupted: 130, closedOutput: 141 } as const;

/** The SDK client the commands use. */
export type Client = ElasticCaffe;

export class Cli {
  private cachedClient: Client | undefined;
  /** Prototxt files by API field (`net`, `solver`), so refusals can point at their lines. */
  readonly sources = new Map<string, { path: string; text: string }>();

  constructor(
    readonly options: GlobalOptions,
    readonly env: NodeJS.ProcessEnv = process.env,
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  get json(): boolean {
    return this.options.json === true;
  }

  /** Live output (progress bars, the status line, questions) only on a terminal and without --json. */
  get interactive(): boolean {
    return !this.json && this.stderr.isTTY === true;
  }

  get profileName(): string {
    return this.options.profile ?? this.env.ECAFFE_PROFILE ?? 'default';
  }

  get profile(): Profile {
    return readConfig(this.env).profiles[this.profileName] ?? {};
  }

  get endpoint(): string {
    return (this.options.endpoint ?? this.env.ECAFFE_ENDPOINT ?? this.profile.endpoint ?? defaultEndpoint).replace(
      /\/+$/,
      '',
    );
  }

  /** A message on stderr (not with --quiet). */
  say(message: string): void {
    if (!this.options.quiet) this.stderr.write(`${message}\n`);
  }

  /** One JSON document (a line) on stdout. */
  emit(document: unknown): void {
    this.stdout.write(`${JSON.stringify(document)}\n`);
  }

  /** Human text on stdout (never with --json: commands emit documents then). */
  print(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  auth(): AuthProvider | undefined {
    const sdk = require('@elastic-caffe/sdk/node') as typeof import('@elastic-caffe/sdk/node');
    const token = this.options.token ?? this.env.ECAFFE_TOKEN;
    if (token) return sdk.staticToken(token);
    const auth = this.profile.auth;
    if (!auth) return undefined;
    if (auth.kind === 'local')
      return sdk.localTokenAuth({
        endpoint: this.endpoint,
        tenant: auth.tenant,
        ...(auth.admin ? { admin: true } : {}),
        cache: sdk.fileTokenCache(tokenFile(this.profileName, this.env, 'local')),
      });
    if (auth.kind === 'iam')
      return sdk.iamAuth({ region: auth.region, ...(auth.awsProfile ? { profile: auth.awsProfile } : {}) });
    const { cognitoAuth } = require('@elastic-caffe/sdk/cognito') as typeof import('@elastic-caffe/sdk/cognito');
    return cognitoAuth({
      region: auth.region,
      clientId: auth.clientId,
      username: auth.username,
      cache: sdk.fileTokenCache(tokenFile(this.profileName, this.env)),
    });
  }

  get client(): Client {
    if (!this.cachedClient) {
      const sdk = require('@elastic-caffe/sdk/node') as typeof import('@elastic-caffe/sdk/node');
      keepFetchParserUnoptimized();
      const auth = this.auth();
      this.cachedClient = new sdk.ElasticCaffe({ endpoint: this.endpoint, ...(auth ? { auth } : {}) });
    }
    return this.cachedClient;
  }
}
