/** The SSRF guard's fetch against a real loopback server (a listening socket, so not in the hermetic unit tier). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FetchFailed, fetchText } from '../../core/net/guarded-fetch';
import type { UrlPolicy } from '../../core/net/url-guard';

const strict: UrlPolicy = { loopback: false, private: false };
const loopbackAllowed: UrlPolicy = { loopback: true, private: false };

describe('fetchText', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hello') return void res.end('hello');
      if (req.url === '/to-metadata')
        return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (req.url === '/to-hello') return void res.writeHead(301, { location: '/hello' }).end();
      if (req.url === '/big') return void res.end('x'.repeat(100));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const limits = { maxBytes: 50, timeoutMs: 10_000 };

  it('fetches from loopback when allowed, following a redirect', async () => {
    await expect(fetchText('url', `${base}/to-hello`, loopbackAllowed, limits)).resolves.toBe('hello');
  });

  it('refuses loopback under the strict policy before connecting', async () => {
    await expect(fetchText('url', `${base}/hello`, strict, limits)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(/loopback/),
    });
  });

  it('refuses a redirect to the metadata address', async () => {
    await expect(fetchText('url', `${base}/to-metadata`, loopbackAllowed, limits)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(/redirects to .*link-local/),
    });
  });

  it('stops a download above the size limit', async () => {
    await expect(fetchText('url', `${base}/big`, loopbackAllowed, limits)).rejects.toMatchObject({
      permanent: true,
      message: expect.stringMatching(/above the limit of 50/),
    });
  });

  it('reports a 404 as permanent', async () => {
    const failure = await fetchText('url', `${base}/missing`, loopbackAllowed, limits).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(FetchFailed);
    expect(failure).toMatchObject({ permanent: true, message: expect.stringMatching(/HTTP 404/) });
  });
});
