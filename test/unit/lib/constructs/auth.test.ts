/** The readable part of the console's Cognito domain prefix (lib/constructs/auth.ts). */
import { domainPrefixBase } from '../../../../lib/constructs/auth';

/** What Cognito accepts before the 9 characters of the stack id suffix: lowercase, digits, inner hyphens. */
const validBase = /^[a-z0-9](?:[a-z0-9-]{0,52}[a-z0-9])?$/;

describe('the Cognito domain prefix', () => {
  test("is the stack's name in lowercase words", () => {
    expect(domainPrefixBase('ElasticCaffeStateless')).toBe('elastic-caffe-stateless');
  });

  test.each(['MyAwsStack', 'AmazonCaffe', 'CognitoTest', 'amazawson', 'AWS-Caffe'])(
    'leaves out the words Cognito refuses (%s)',
    (stackName) => {
      const prefix = domainPrefixBase(stackName);
      expect(prefix).not.toMatch(/aws|amazon|cognito/);
      expect(prefix).toMatch(validBase);
    },
  );

  test('stays short enough for the suffix, and valid whatever the name', () => {
    for (const stackName of ['A'.repeat(128), 'Caffe_Prod.Stack--', '-x-', 'AwsCognito']) {
      expect(domainPrefixBase(stackName)).toMatch(validBase);
    }
  });
});
