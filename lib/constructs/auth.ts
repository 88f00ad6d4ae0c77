/**
 * Who may call the API: a Cognito user pool (email sign-in) and its public app clients, whose
 * tokens the HTTP API's JWT authorizer accepts. The CLI signs in with USER_PASSWORD_AUTH or SRP;
 * the web console through the hosted UI (authorization code with PKCE), on a Cognito domain.
 */
import { Aws, Duration, Fn, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { adminGroup } from '../../core/topology';
import { acknowledge } from './nag';

/** Props of the user pool. */
export interface AuthProps {
  /** Whether anyone may sign up (otherwise an admin creates users). */
  readonly selfSignUp: boolean;
  /** Keep the users when the stack is deleted. */
  readonly retain: boolean;
  /** The web console's sign-in (hosted UI domain and app client); none without the console. */
  readonly console?: {
    /** Origins besides the console's own whose callback and sign-out pages Cognito accepts (development). */
    readonly extraOrigins: readonly string[];
  };
}

/** Where the hosted UI sends the browser back with the authorization code (console/src/auth/cognito.ts). */
export const consoleCallbackPath = '/auth/callback';
/** Where the hosted UI sends the browser after signing out. */
export const consoleSignOutPath = '/';

/** The console's sign-in: the hosted UI's domain and the app client the browser uses. */
export interface ConsoleSignIn {
  readonly userPoolId: string;
  readonly domain: cognito.UserPoolDomain;
  readonly client: cognito.UserPoolClient;
  /** The hosted UI's base URL: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly url: string;
}

/** The user pool, its app clients (the CLI's; the console's, with its hosted UI domain) and the `admins` group. */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** With the console: its hosted UI domain and app client. */
  readonly console?: ConsoleSignIn;
  /** Every app client whose tokens the API accepts (the JWT authorizer's audience). */
  readonly clients: cognito.UserPoolClient[];
  /** Token issuer, as the JWT authorizer checks it: `https://cognito-idp.<region>.<urlSuffix>/<poolId>`. */
  readonly issuerUrl: string;
  /** Origins of the console's callback and sign-out URLs. */
  private readonly consoleOrigins: string[] = [];

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: props.selfSignUp,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledge(
      this.userPool,
      'COG2',
      'MFA is optional (TOTP): users may enable it, but requiring it would turn every CLI sign-in ' +
        '(USER_PASSWORD_AUTH) into an ' +
        'interactive challenge; the API holds training data, not payment or personal data.',
    );
    acknowledge(
      this.userPool,
      'COG8',
      'The Plus feature plan (threat protection) is billed per monthly active user on top of Essentials; ' +
        'for a training API ' +
        'with admin-created users that cost is not justified. ' +
        'Essentials keeps a strong password policy and optional MFA.',
    );

    this.client = this.userPool.addClient('CliClient', {
      generateSecret: false, // a public client: the CLI and browsers cannot keep a secret
      authFlows: { userPassword: true, userSrp: true },
      // The CLI signs in with InitiateAuth. Without this, CDK would allow the implicit and code grants to
      // https://example.com, reachable through the hosted UI once the console's domain exists.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
    });

    this.console = props.console ? this.addConsoleSignIn(props.console.extraOrigins) : undefined;
    this.clients = [this.client, ...(this.console ? [this.console.client] : [])];

    this.userPool.addGroup('Admins', {
      groupName: adminGroup,
      description: 'Operators of this Elastic Caffe deployment',
    });

    const stack = Stack.of(this);
    this.issuerUrl = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
  }

  /** The console's origin (`https://<distribution domain>`): its callback and sign-out pages become allowed. */
  allowConsoleOrigin(origin: string): void {
    this.consoleOrigins.push(origin);
  }

  /**
   * The hosted UI on a Cognito prefix domain, and a public client (no secret: a browser cannot keep one) for the
   * authorization-code flow with PKCE only. Its callback and sign-out URLs are read when the template is written:
   * the console's origin is the CloudFront distribution, made after the API that must accept this client's tokens.
   */
  private addConsoleSignIn(extraOrigins: readonly string[]): ConsoleSignIn {
    this.consoleOrigins.push(...extraOrigins);
    const urls = (path: string) =>
      Lazy.list({ produce: () => this.consoleOrigins.map((origin) => `${origin}${path}`) });
    this.node.addValidation({
      validate: () =>
        this.consoleOrigins.length === 0 ? ['the console client has no origin to send users back to'] : [],
    });
    const domain = this.userPool.addDomain('ConsoleDomain', {
      cognitoDomain: { domainPrefix: `${domainPrefixBase(Stack.of(this).stackName)}-${stackIdSuffix()}` },
    });
    const client = this.userPool.addClient('ConsoleClient', {
      generateSecret: false,
      // No password or SRP sign-in from the browser: only the hosted UI's code, and refreshing its tokens.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: urls(consoleCallbackPath),
        logoutUrls: urls(consoleSignOutPath),
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
    });
    return { userPoolId: this.userPool.userPoolId, domain, client, url: domain.baseUrl() };
  }
}

/** Words Cognito refuses in a domain prefix. */
const reservedInPrefix = /aws|amazon|cognito/g;

/**
 * The readable part of the hosted UI's domain prefix, from the stack name: `ElasticCaffeStateless` →
 * `elastic-caffe-stateless`. A prefix is lowercase letters, digits and hyphens, at most 63 characters, without
 * the reserved words; this leaves room for the hyphen and 8 characters of `stackIdSuffix`.
 */
export function domainPrefixBase(stackName: string): string {
  let prefix = stackName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  // Removing one word can join the letters around it into another ('amazawson').
  for (let previous = ''; previous !== prefix; ) {
    previous = prefix;
    prefix = prefix.replace(reservedInPrefix, '');
  }
  prefix = prefix
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 54)
    .replace(/^-+|-+$/g, '');
  return prefix || 'console';
}

/**
 * Prefixes are unique across all accounts in a region, so the stack name alone may be taken: the first 8 hex
 * digits of the stack's id (a UUID CloudFormation gives the stack when it is created) make it this stack's,
 * and stay the same on every update. Unlike the account id, they say nothing about the account.
 */
function stackIdSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}
