/**
 * A private apt configuration for Debian bullseye: its own sources.list, lists, status file and
 * archive cache under cacheDir(), so the host's apt state is never read or written; and the parsers
 * for what apt-get prints.
 */
import * as path from 'node:path';
import { multiarch } from '../../core/caffe/tools';
import { cacheDir } from './paths';

/** Debian release the packages come from: the last one shipping Caffe 1.0 (later ones dropped it). */
export const DEBIAN_SUITE = 'bullseye';
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';
export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export interface Deb {
  name: string;
  version: string;
  arch: string;
  /** Absolute path of the .deb in the cache. */
  file: string;
}

/** The private apt tree for this suite and architecture, inside the cache. */
export function aptRoot(): string {
  return path.join(cacheDir(), `debian-${DEBIAN_SUITE}-${multiarch().debian}`);
}

/** apt options that keep apt entirely inside aptRoot() (the host's apt state is never read or written). */
export function aptOptions(root: string): string[] {
  const arch = multiarch().debian;
  const o: Record<string, string> = {
    'Dir::Etc::SourceList': path.join(root, 'etc', 'sources.list'),
    'Dir::Etc::SourceParts': '/dev/null',
    'Dir::Etc::Preferences': '/dev/null',
    'Dir::Etc::PreferencesParts': '/dev/null',
    'Dir::State': path.join(root, 'state'),
    'Dir::State::status': path.join(root, 'state', 'status'),
    'Dir::Cache': path.join(root, 'cache'),
    'APT::Architecture': arch,
    // Ignore foreign architectures the host's dpkg may have enabled.
    'APT::Architectures': arch,
    'Debug::NoLocking': '1',
    'Acquire::Languages': 'none',
    // archive.debian.org serves Release files whose Valid-Until has passed.
    'Acquire::Check-Valid-Until': 'false',
  };
  // As root apt downloads as user _apt, which may not be able to enter a cache under ~root.
  if (process.getuid?.() === 0) o['APT::Sandbox::User'] = 'root';
  return Object.entries(o).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

/** The packages `apt-get -s install` would install, with the names apt gives their cached .debs. */
export function parseSimulation(output: string, archives: string): Deb[] {
  const debs: Deb[] = [];
  for (const line of output.split('\n')) {
    // Inst libcrypt1 (1:4.4.18-4 Debian:11.11/oldoldstable [amd64]) []
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) .*\[([^\]\s]+)\]\)/.exec(line);
    if (!m) continue;
    const [, name, version, arch] = m as unknown as [string, string, string, string];
    // apt names a cached .deb name_version_arch.deb with ':' (epoch) quoted as %3a.
    debs.push({
      name,
      version,
      arch,
      file: path.join(archives, `${name}_${version.replace(/:/g, '%3a')}_${arch}.deb`),
    });
  }
  if (debs.length === 0) throw new Error(`apt-get resolved no packages:\n${output.slice(-2000)}`);
  return debs;
}

/** Sizes by file name from `apt-get --print-uris` ('URL' file size hash). */
export function parseUris(output: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of output.split('\n')) {
    const m = /^'[^']+' (\S+) (\d+) /.exec(line);
    if (m) sizes.set(m[1]!, Number(m[2]));
  }
  return sizes;
}
