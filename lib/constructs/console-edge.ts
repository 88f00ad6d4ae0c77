/**
 * What CloudFront does for the console at the edge, as plain values the unit tests can check: the
 * Content-Security-Policy header and the single-page app's path rewrite.
 *
 * The CSP is a function of the origins the browser may reach. They may be CDK tokens (the API URL, the Cognito
 * domain, the bucket's endpoint): the header's string resolves at deploy time.
 *
 * Scripts come only from the site itself ('self': the bundles; no inline script, no eval). Styles also allow
 * 'unsafe-inline': CodeMirror 6 (style-mod) puts its theme in a `<style>` element it adds to the document (it
 * uses a constructed stylesheet only inside a shadow root), and a static header at CloudFront cannot carry a
 * per-response nonce. Setting `element.style` (uPlot, Preact's style props) is not governed by CSP at all.
 * Styles cannot run code; the script policy is what stops cross-site scripting.
 */

/**
 * Whether the policy lets scripts add `<style>` elements. Still needed: under `style-src 'self'` the browser
 * test's new-solver page logs "Applying inline style violates …" (the local gateway sends this same policy).
 */
export const consoleInlineStyles = true;

/** Where the console's browser code may connect, besides its own origin. */
export interface ConsoleCspOrigins {
  /** The API's base URL (`https://<id>.execute-api.<region>.amazonaws.com`). */
  readonly apiUrl: string;
  /** The data bucket's endpoint (`https://<bucket>.s3.<region>.amazonaws.com`): presigned uploads and thumbnails. */
  readonly dataBucketUrl: string;
  /** Cognito's hosted UI (`https://<prefix>.auth.<region>.amazoncognito.com`): sign-in, tokens; none with IAM. */
  readonly cognitoUrl?: string;
  /** Whether `<style>` elements added by scripts may apply (see above). */
  readonly inlineStyles: boolean;
}

/** The policy, one directive after another (`default-src 'self'; script-src 'self'; …`). */
export function consoleCsp(origins: ConsoleCspOrigins): string {
  const cognito = origins.cognitoUrl ? [origins.cognitoUrl] : [];
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", ...(origins.inlineStyles ? ["'unsafe-inline'"] : [])]],
    // Thumbnails are presigned GETs of the data bucket; previews of dropped images are blob: and data: URLs.
    ['img-src', ["'self'", 'data:', 'blob:', origins.dataBucketUrl]],
    // The API, presigned PUTs (datafile parts) straight to the bucket, and Cognito's token endpoint.
    ['connect-src', ["'self'", origins.apiUrl, origins.dataBucketUrl, ...cognito]],
    ['font-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'self'"]],
    // Sign-in and sign-out are navigations to the hosted UI; no form of ours posts anywhere else.
    ['form-action', ["'self'", ...cognito]],
  ];
  return directives.map(([name, sources]) => `${name} ${[...new Set(sources)].join(' ')}`).join('; ');
}

/**
 * A CloudFront Function (viewer request, JavaScript runtime 2.0) for the single-page app: a path whose last
 * segment has no extension (`/datasets/01H…`, `/auth/callback`, `/`) is a page of the app, answered with
 * `/index.html`; the router reads the path in the browser. A path with an extension (`/assets/app-1a2b.js`,
 * `/config.json`) goes to S3 as it is, so a missing asset is an error, not an HTML page with status 200 — which
 * is why this is a function and not an error response that maps S3's 403/404 to index.html for every path.
 * The cache key is the rewritten path: every page shares the one cached index.html.
 */
export const spaRewriteSource = `function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}
`;
