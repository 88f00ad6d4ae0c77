/** Where the tenant comes from, in both auth modes of the HTTP API. */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { tenantOf } from '../../../../lambdas/shared/http';

type RequestContext = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'];
const withAuthorizer = (authorizer: unknown) => ({ requestContext: { authorizer } as RequestContext });

describe('tenantOf', () => {
  test("is the Cognito token's subject", () => {
    expect(
      tenantOf(withAuthorizer({ jwt: { claims: { sub: '3f1c9a2e-7b41-4c1e-9d3a-0c6b2f8e5a17' }, scopes: [] } })),
    ).toBe('3f1c9a2e-7b41-4c1e-9d3a-0c6b2f8e5a17');
  });

  test("is the IAM caller's unique id with the IAM authorizer", () => {
    const iam = {
      accessKey: 'ASIAEXAMPLE',
      accountId: '123456789012',
      callerId: 'AROAEXAMPLEID:alice',
      userArn: 'arn:aws:sts::123456789012:assumed-role/Trainer/alice',
      userId: 'AROAEXAMPLEID:alice',
      cognitoIdentity: null,
      principalOrgId: null,
    };
    expect(tenantOf(withAuthorizer({ iam }))).toBe('AROAEXAMPLEID:alice');
  });

  test('is a 401 when no authorizer vouched for the caller', () => {
    for (const authorizer of [undefined, {}, { jwt: { claims: {} } }, { iam: { userId: '' } }]) {
      expect(() => tenantOf(withAuthorizer(authorizer))).toThrow(expect.objectContaining({ statusCode: 401 }));
    }
  });
});
