/**
 * What CloudFront does for the console (lib/constructs/console-edge.ts): the Content-Security-Policy it sends
 * and the path rewrite of the single-page app, run here as CloudFront runs it (a `handler(event)` function).
 */
import { consoleCsp, spaRewriteSource } from '../../../../lib/constructs/console-edge';

const origins = {
  apiUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com',
  dataBucketUrl: 'https://data-bucket.s3.eu-west-1.amazonaws.com',
  cognitoUrl: 'https://elastic-caffe-stateless-1a2b3c4d.auth.eu-west-1.amazoncognito.com',
  inlineStyles: true,
};

/** The policy's directives by name. */
const directives = (csp: string): Map<string, string[]> =>
  new Map(
    csp.split('; ').map((directive) => {
      const [name, ...sources] = directive.split(' ');
      return [name!, sources];
    }),
  );

describe('the console CSP', () => {
  test('runs only its own scripts and may be framed by nobody', () => {
    const csp = directives(consoleCsp(origins));

    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
  });

  test('connects to the API, the data bucket (presigned uploads) and Cognito, and nowhere else', () => {
    const csp = directives(consoleCsp(origins));

    expect(csp.get('connect-src')).toEqual(["'self'", origins.apiUrl, origins.dataBucketUrl, origins.cognitoUrl]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:', origins.dataBucketUrl]);
    expect(csp.get('form-action')).toEqual(["'self'", origins.cognitoUrl]);
  });

  test('without Cognito (authMode iam) names no hosted UI', () => {
    const csp = directives(consoleCsp({ ...origins, cognitoUrl: undefined }));

    expect(csp.get('connect-src')).toEqual(["'self'", origins.apiUrl, origins.dataBucketUrl]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
  });

  test("allows inline styles only when asked (CodeMirror's injected theme)", () => {
    expect(directives(consoleCsp(origins)).get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives(consoleCsp({ ...origins, inlineStyles: false })).get('style-src')).toEqual(["'self'"]);
  });

  test('is one header line of directives separated by semicolons', () => {
    expect(consoleCsp(origins)).toMatch(/^default-src 'self'; script-src 'self'; [^\n]+; form-action 'self' https:/);
  });
});

describe('the SPA rewrite', () => {
  type Request = { uri: string; querystring?: Record<string, { value: string }> };
  const handler = new Function(`${spaRewriteSource}\nreturn handler;`)() as (event: { request: Request }) => Request;
  const rewrite = (uri: string): string => handler({ request: { uri } }).uri;

  test.each(['/', '/datafiles', '/datasets/01HZX3', '/training-jobs/01HZX3/', '/auth/callback'])(
    'answers the page %s with index.html',
    (uri) => {
      expect(rewrite(uri)).toBe('/index.html');
    },
  );

  test.each(['/config.json', '/index.html', '/assets/app-1a2b3c4d.js', '/assets/missing-0000.css'])(
    'leaves the file %s to S3 (a missing one stays an error)',
    (uri) => {
      expect(rewrite(uri)).toBe(uri);
    },
  );

  test('keeps the query string (the authorization code on the callback)', () => {
    const querystring = { code: { value: 'abc' }, state: { value: 'xyz' } };
    expect(handler({ request: { uri: '/auth/callback', querystring } })).toEqual({
      uri: '/index.html',
      querystring,
    });
  });
});
