/**
 * The console on the local cloud: the gateway serves the built app (console/dist) beside the API on
 * the same port, as CloudFront does on AWS — hashed assets cached for good, `index.html` for any other
 * page path (so every console URL survives a reload), and `/config.json` saying "local sign-in, this
 * origin's API". The build is redone at start when the console's sources changed.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ServerResponse } from 'node:http';
import { buildConsoleSync, consoleSourceHash, readConsoleBuild } from '../console/build';
import { consoleCsp, consoleInlineStyles } from '../lib/constructs/console-edge';
import type { LocalRoute } from './token-route';

/** Where `npm start` keeps the built console. */
export const defaultConsoleDir = path.resolve(__dirname, '..', 'console', 'dist');

/** The config the local console runs with: the API on its own origin, local sign-in. */
export const localConsoleConfig = { apiUrl: '', auth: { mode: 'local' } } as const;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** API paths never fall back to the app: an unknown one stays a problem+json 404. */
const isApiPath = (pathname: string) => /^\/(v1|local)(\/|$)/.test(pathname);

const notFound = (res: ServerResponse, pathname: string) => {
  res.writeHead(404, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title: 'Not found', status: 404, detail: `no file ${pathname}` }));
};

async function sendFile(
  res: ServerResponse,
  file: string,
  method: string,
  cacheControl: string,
  csp?: string,
): Promise<void> {
  const info = await stat(file);
  res.writeHead(200, {
    ...(csp && file.endsWith('.html') ? { 'content-security-policy': csp } : {}),
    'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  });
  if (method === 'HEAD') return void res.end();
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('error', reject).on('end', resolve).pipe(res);
  });
}

/**
 * The Content-Security-Policy CloudFront sends (lib/constructs/console-edge.ts), for this origin and the local S3
 * (presigned uploads, thumbnails): the browser tests run the console under the deployed policy, so a violation
 * fails them here (the browser logs it as an error) and not after a deploy.
 */
export const localConsoleCsp = (s3Endpoint: string): string =>
  consoleCsp({ apiUrl: "'self'", dataBucketUrl: s3Endpoint, inlineStyles: consoleInlineStyles });

/** GET and HEAD of every non-API path, from the built console in `dir`; pages under `csp` when given. */
export function consoleFilesRoute(dir: string, csp?: string): LocalRoute {
  const root = path.resolve(dir);
  return async (req, res, url) => {
    const method = req.method ?? 'GET';
    if ((method !== 'GET' && method !== 'HEAD') || isApiPath(url.pathname)) return false;
    if (url.pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : JSON.stringify(localConsoleConfig));
      return true;
    }
    let relative: string;
    try {
      relative = path.normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
    } catch {
      return false; // a broken %-escape: the gateway answers it
    }
    const file = path.join(root, relative);
    const hidden = relative.split(path.sep).some((part) => part.startsWith('.'));
    if (file.startsWith(root + path.sep) && !hidden) {
      const found = await stat(file).then(
        (s) => s.isFile(),
        () => false,
      );
      if (found) {
        // Hashed names never change content; everything else is checked again each time.
        const immutable = relative.startsWith(`assets${path.sep}`);
        await sendFile(res, file, method, immutable ? 'public, max-age=31536000, immutable' : 'no-cache', csp);
        return true;
      }
    }
    // A missing file (a name with an extension) is a 404; any other path is a page of the app.
    if (path.extname(url.pathname)) {
      notFound(res, url.pathname);
      return true;
    }
    await sendFile(res, path.join(root, 'index.html'), method, 'no-cache', csp);
    return true;
  };
}

/** Routes tried in turn until one answers. */
export const firstOf =
  (...candidates: Array<LocalRoute | undefined>): LocalRoute =>
  async (req, res, url) => {
    for (const route of candidates) if (route && (await route(req, res, url))) return true;
    return false;
  };

/** Builds the console into `dir` unless the build there is of the current sources; says what it does. */
export function ensureConsoleBuilt(dir = defaultConsoleDir, log: (line: string) => void = console.log): string {
  const wanted = consoleSourceHash();
  if (readConsoleBuild(dir)?.sourceHash === wanted) return dir;
  log('Building the console (console/src → console/dist)…');
  const started = Date.now();
  buildConsoleSync(dir);
  log(`Console built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return dir;
}
