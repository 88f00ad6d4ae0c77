/**
 * What the console's parts agree on: the deploy-time `config.json`, and the props of the components
 * the pages use (the prototxt editor, the net drawing, the charts). Types only.
 */

/** `/config.json`, written at deploy time (CloudFront) or served by the local gateway: one build serves every stack. */
export interface ConsoleConfig {
  /** The API's base URL without a trailing slash; '' means the same origin (the local gateway). */
  readonly apiUrl: string;
  readonly auth: LocalAuth | CognitoAuth | IamAuth;
}
/** The local cloud: sign in with `POST /local/token {"tenant", "admin"?}`. */
export interface LocalAuth {
  readonly mode: 'local';
}
/** Cognito's hosted UI, authorization-code flow with PKCE. */
export interface CognitoAuth {
  readonly mode: 'cognito';
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  /** The hosted UI's base URL, e.g. https://my-prefix.auth.eu-west-1.amazoncognito.com */
  readonly domain: string;
}
/** An `authMode=iam` deployment: the console cannot sign in (it needs Cognito) and says so. */
export interface IamAuth {
  readonly mode: 'iam';
}

/** Tokens from any sign-in; `refreshToken` only from Cognito. */
export interface Tokens {
  readonly idToken?: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** A position in a prototxt, 1-based, as the API's problem+json `errors[]` carry them. */
export interface PrototxtProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** `console/src/components/prototxt-editor.tsx` (default export; loaded lazily). */
export interface PrototxtEditorProps {
  /** The accessible name, e.g. "Net" or "Solver". */
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** Shown inline at their line and column until the text changes. */
  readonly problems?: readonly PrototxtProblem[];
}

/** `console/src/components/net-graph.tsx` (default export; loaded lazily): layers and blobs as a graph. */
export interface NetGraphProps {
  readonly prototxt: string;
  /** Which phase's layers to draw; layers without an include rule are in both. */
  readonly phase?: 'TRAIN' | 'TEST';
}

/** `console/src/components/line-chart.tsx` (default export): uPlot, updated in place when points arrive. */
export interface LineChartProps {
  /** The accessible name, e.g. "Loss", "Test outputs", "Learning rate". */
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly ChartSeries[];
  readonly logY?: boolean;
}
export interface ChartSeries {
  readonly label: string;
  /** [x, y] pairs in increasing x; y null is a gap (e.g. a diverged, NaN loss). */
  readonly points: ReadonlyArray<readonly [number, number | null]>;
}
