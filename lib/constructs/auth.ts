/**
 * Who may call the API: a Cognito user pool (email sign-in) and one public app client, whose
 * tokens the HTTP API's JWT authorizer accepts. The CLI signs in with USER_PASSWORD_AUTH or SRP.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
}

/** The user pool, its app client and the `admins` group. */
export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** Token issuer, as the JWT authorizer checks it: `https://cognito-idp.<region>.<urlSuffix>/<poolId>`. */
  readonly issuerUrl: string;

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
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
    });

    this.userPool.addGroup('Admins', {
      groupName: adminGroup,
      description: 'Operators of this Elastic Caffe deployment',
    });

    const stack = Stack.of(this);
    this.issuerUrl = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
  }
}
