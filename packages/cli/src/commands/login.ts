/** `ecaffe login`: the local system's token route, Cognito (user name and password), or IAM; kept in the profile. */
import type { LocalToken } from '@elastic-caffe/sdk';
import type { Cli } from '../cli';
import { keepFetchParserUnoptimized } from '../fetch-parser';
import { CliError, exitCodes } from '../cli';
import { saveProfile, tokenFile, type ProfileAuth } from '../config';

interface LoginFlags {
  local?: boolean;
  tenant?: string;
  admin?: boolean;
  username?: string;
  passwordStdin?: boolean;
  clientId?: string;
  region?: string;
  iam?: boolean;
  awsProfile?: string;
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

/** Asks for the password on the terminal without echoing it. */
async function promptPassword(cli: Cli): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('no password: pipe it with --password-stdin', exitCodes.usage);
  cli.stderr.write('Password: ');
  process.stdin.setRawMode(true);
  let password = '';
  try {
    for await (const chunk of process.stdin) {
      for (const char of String(chunk)) {
        if (char === '\r' || char === '\n') return password;
        if (char === '\u0003') throw new CliError('interrupted', exitCodes.interrupted);
        password = char === '\u007f' ? password.slice(0, -1) : password + char;
      }
    }
    return password;
  } finally {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    cli.stderr.write('\n');
  }
}

export async function login(cli: Cli, _args: string[], options: LoginFlags): Promise<void> {
  const endpoint = cli.endpoint;
  const previous = cli.profile.auth;
  let auth: ProfileAuth;
  if (options.local) {
    if (!options.tenant) throw new CliError('--local needs --tenant NAME', exitCodes.usage);
    const { fetchLocalToken } = require('@elastic-caffe/sdk') as typeof import('@elastic-caffe/sdk');
    const { fileTokenCache } = require('@elastic-caffe/sdk/node') as typeof import('@elastic-caffe/sdk/node');
    keepFetchParserUnoptimized();
    // Proves the route answers; the token is kept for the commands that follow.
    const issuedTo = { endpoint, tenant: options.tenant, admin: options.admin === true };
    const token = await fetchLocalToken(issuedTo);
    await fileTokenCache<LocalToken>(tokenFile(cli.profileName, cli.env, 'local')).save({ ...issuedTo, token });
    auth = { kind: 'local', tenant: options.tenant, ...(options.admin ? { admin: true } : {}) };
  } else if (options.iam) {
    const region = options.region ?? (previous?.kind === 'iam' ? previous.region : undefined) ?? cli.env.AWS_REGION;
    if (!region) throw new CliError('--iam needs --region (or AWS_REGION)', exitCodes.usage);
    auth = { kind: 'iam', region, ...(options.awsProfile ? { awsProfile: options.awsProfile } : {}) };
  } else {
    const known = previous?.kind === 'cognito' ? previous : undefined;
    const region = options.region ?? known?.region;
    const clientId = options.clientId ?? known?.clientId;
    const username = options.username ?? known?.username;
    if (!region || !clientId || !username)
      throw new CliError(
        'Cognito sign-in needs --region, --client-id and --username the first time ' +
          "(the stack's Region and UserPoolClientId outputs)",
        exitCodes.usage,
        'for the local system: ecaffe login --local --tenant NAME',
      );
    const password = options.passwordStdin ? await readStdin() : await promptPassword(cli);
    const sdk = require('@elastic-caffe/sdk/node') as typeof import('@elastic-caffe/sdk/node');
    const { cognitoSignIn } = require('@elastic-caffe/sdk/cognito') as typeof import('@elastic-caffe/sdk/cognito');
    await cognitoSignIn({
      region,
      clientId,
      username,
      password: async () => password,
      cache: sdk.fileTokenCache(tokenFile(cli.profileName, cli.env)),
    });
    auth = { kind: 'cognito', region, clientId, username };
  }
  const file = await saveProfile(cli.profileName, { endpoint, auth }, cli.env);
  const who =
    auth.kind === 'local'
      ? `tenant ${auth.tenant}${auth.admin ? ' (admin)' : ''}`
      : auth.kind === 'cognito'
        ? auth.username
        : `IAM (${auth.region})`;
  if (cli.json) return cli.emit({ profile: cli.profileName, endpoint, auth });
  cli.say(`signed in to ${endpoint} as ${who}; profile "${cli.profileName}" saved in ${file}`);
}
