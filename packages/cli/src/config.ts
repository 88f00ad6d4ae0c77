/**
 * Profiles: where each endpoint is and how to sign in to it, in `config.json` under the config
 * folder (`ECAFFE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/elastic-caffe`, else `~/.config/elastic-caffe`),
 * readable by its owner only (0600), like the Cognito tokens beside it (`tokens/<profile>.json`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export type ProfileAuth =
  | { kind: 'local'; tenant: string; admin?: boolean }
  | { kind: 'cognito'; region: string; clientId: string; username: string }
  | { kind: 'iam'; region: string; awsProfile?: string };

export interface Profile {
  endpoint?: string;
  auth?: ProfileAuth;
}

export interface ConfigFile {
  profiles: Record<string, Profile>;
}

export const defaultEndpoint = 'http://127.0.0.1:3000';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ECAFFE_CONFIG_DIR) return env.ECAFFE_CONFIG_DIR;
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'elastic-caffe');
}

const configFile = (env?: NodeJS.ProcessEnv) => path.join(configDir(env), 'config.json');
/** Where a profile's tokens are kept: Cognito's, or (`local`) the local system's. */
export const tokenFile = (profile: string, env?: NodeJS.ProcessEnv, kind: 'cognito' | 'local' = 'cognito'): string =>
  path.join(configDir(env), 'tokens', kind === 'local' ? `${profile}.local.json` : `${profile}.json`);

export function readConfig(env?: NodeJS.ProcessEnv): ConfigFile {
  const file = configFile(env);
  if (!existsSync(file)) return { profiles: {} };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConfigFile>;
    return { profiles: parsed.profiles ?? {} };
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
}

/** Stores one profile (written aside and renamed, mode 0600). */
export async function saveProfile(name: string, profile: Profile, env?: NodeJS.ProcessEnv): Promise<string> {
  const config = readConfig(env);
  config.profiles[name] = profile;
  const file = configFile(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return file;
}
