/** The SSRF guard: which URLs and addresses an import may reach, however they are spelled. */
import type { LookupAddress } from 'node:dns';
import { checkedLookup } from '../../../../core/net/guarded-fetch';
import { addressClass } from '../../../../core/net/ip-class';
import { checkUrl, UrlRefused, urlPolicy, type UrlPolicy } from '../../../../core/net/url-guard';

const strict: UrlPolicy = { loopback: false, private: false };
const loopbackAllowed: UrlPolicy = { loopback: true, private: false };

const refusal = (raw: string, policy = strict): string => {
  try {
    checkUrl('url', raw, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(UrlRefused);
    return (error as UrlRefused).errors?.[0]?.message ?? '';
  }
  throw new Error(`${raw} was accepted`);
};

describe('addressClass', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['0.0.0.0', 'reserved'],
    ['0.1.2.3', 'reserved'],
    ['::', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['ff02::1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['2606:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('classifies %s as %s', (address, expected) => {
    expect(addressClass(address)).toBe(expected);
  });

  // Each IPv6 form that carries an IPv4 address is judged by that address.
  it.each([
    ['IPv4-mapped', '::ffff:127.0.0.1', 'loopback'],
    ['IPv4-mapped, hex', '::ffff:a00:1', 'private'],
    ['IPv4-translated', '::ffff:0:127.0.0.1', 'loopback'],
    ['IPv4-translated, hex', '::ffff:0:a9fe:a9fe', 'link-local'],
    ['IPv4-translated', '::ffff:0:10.0.0.1', 'private'],
    ['IPv4-translated', '::ffff:0:8.8.8.8', 'public'],
    ['IPv4-compatible, hex', '::7f00:1', 'loopback'],
    ['IPv4-compatible', '::192.168.0.1', 'private'],
    ['NAT64', '64:ff9b::127.0.0.1', 'loopback'],
    ['NAT64', '64:ff9b::10.1.2.3', 'private'],
    ['NAT64', '64:ff9b::8.8.8.8', 'public'],
    ['NAT64 local-use', '64:ff9b:1::8.8.8.8', 'private'],
    ['6to4', '2002:7f00:1::1', 'loopback'],
    ['6to4', '2002:c0a8:101::1', 'private'],
    ['6to4', '2002:808:808::1', 'public'],
    // Teredo: 2001:0:<server>:<flags>:<port>:<client>, client address bits inverted.
    ['Teredo, loopback client', '2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
    ['Teredo, private client', '2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    ['Teredo, metadata-address client', '2001:0:4136:e378:8000:63bf:5601:5601', 'link-local'],
    ['Teredo, private server', '2001:0:a00:1:8000:63bf:f7f7:f7f7', 'private'],
    ['Teredo, public client and server', '2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public'],
  ])('classifies %s %s as %s', (_form, address, expected) => {
    expect(addressClass(address)).toBe(expected);
  });

  it('answers undefined for a host name', () => {
    expect(addressClass('example.com')).toBeUndefined();
  });
});

describe('checkUrl', () => {
  it('accepts a public https URL', () => {
    expect(checkUrl('url', 'https://example.com/data.tar.gz', strict).hostname).toBe('example.com');
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://127.0.0.1:8080/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://017700000001/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://localhost/', 'loopback'],
    ['http://api.LOCALHOST./', 'loopback'],
    ['http://10.0.0.5/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://[fd00::1]/', 'private'],
    ['http://0.0.0.0/', 'reserved'],
  ])('refuses %s (%s)', (raw, kind) => {
    expect(refusal(raw)).toContain(kind === 'reserved' ? 'reserved' : kind === 'private' ? 'private network' : kind);
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/x', 'gopher://example.com/', 'data:text/plain,hi'])(
    'refuses the non-http scheme of %s',
    (raw) => {
      expect(refusal(raw)).toMatch(/only http and https/);
    },
  );

  it('refuses credentials, which could disguise the real host', () => {
    expect(refusal('http://example.com@127.0.0.1/')).toMatch(/user name or password/);
    expect(refusal('http://127.0.0.1:80@example.com/')).toMatch(/user name or password/);
  });

  it('judges the host after a userinfo-looking path, not before it', () => {
    expect(checkUrl('url', 'http://example.com/@127.0.0.1', strict).hostname).toBe('example.com');
  });

  it('refuses text that is not an absolute URL', () => {
    expect(refusal('/relative/path')).toMatch(/not an absolute URL/);
  });

  it('allows loopback, and only loopback, when the deployment allows it', () => {
    expect(checkUrl('url', 'http://127.0.0.1:9/x', loopbackAllowed).port).toBe('9');
    expect(checkUrl('url', 'http://localhost/x', loopbackAllowed).hostname).toBe('localhost');
    expect(refusal('http://10.0.0.1/', loopbackAllowed)).toMatch(/private/);
    expect(refusal('http://169.254.169.254/', loopbackAllowed)).toMatch(/link-local/);
  });
});

describe('checkedLookup', () => {
  const answer =
    (...addresses: string[]) =>
    (_host: string, _options: { all: true }, callback: (error: null, addresses: LookupAddress[]) => void) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
  const lookUp = (resolve: ReturnType<typeof answer>, all: boolean) =>
    new Promise<{ error: Error | null; address: unknown }>((done) =>
      checkedLookup(
        'url',
        'http://data.example/',
        strict,
        resolve,
      )('data.example', { all }, (error, address) => done({ error, address })),
    );

  it(
    'refuses a name if any one of its addresses is forbidden ' + '(a rebinding answer mixing public and private)',
    async () => {
      const { error } = await lookUp(answer('93.184.216.34', '127.0.0.1'), true);
      expect(error).toBeInstanceOf(UrlRefused);
      expect(error?.message).toMatch(/data.example resolves to 127.0.0.1: it points at a loopback address/);
    },
  );

  it('refuses a name resolving to the metadata address through an IPv4-mapped IPv6 answer', async () => {
    const { error } = await lookUp(answer('::ffff:169.254.169.254'), false);
    expect(error?.message).toMatch(/link-local/);
  });

  it('hands the socket exactly the addresses it checked', async () => {
    await expect(lookUp(answer('93.184.216.34', '2606:2800:220:1::1'), true)).resolves.toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
    });
    await expect(lookUp(answer('93.184.216.34'), false)).resolves.toEqual({ error: null, address: '93.184.216.34' });
  });
});

describe('urlPolicy', () => {
  it('reads the allowed networks from the environment', () => {
    expect(urlPolicy({})).toEqual(strict);
    expect(urlPolicy({ ELASTIC_CAFFE_ALLOW_PRIVATE_URLS: 'loopback' })).toEqual(loopbackAllowed);
    expect(urlPolicy({ ELASTIC_CAFFE_ALLOW_PRIVATE_URLS: 'loopback, private' })).toEqual({
      loopback: true,
      private: true,
    });
  });

  it('fails loudly on a value it does not know', () => {
    expect(() => urlPolicy({ ELASTIC_CAFFE_ALLOW_PRIVATE_URLS: 'link-local' })).toThrow(/"link-local"/);
  });
});
