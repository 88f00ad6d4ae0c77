/**
 * `npm run -s token -- <tenant> [--admin]`: prints a bearer token (12 h) from the local issuer,
 * and nothing else on stdout, so `TOKEN=$(npm run -s token -- alice)` works.
 */
import { localHome } from './caffe/install';
import { issueToken, tenantNamePattern } from './auth';

async function main(args: string[]): Promise<void> {
  const admin = args.includes('--admin');
  const tenant = args.find((a) => !a.startsWith('--'));
  if (!tenant || !tenantNamePattern.test(tenant)) {
    console.error('usage: npm run -s token -- <tenant> [--admin]   (tenant: letters, digits, . _ @ -)');
    process.exit(2);
  }
  process.stdout.write(`${await issueToken(localHome(), tenant, { admin })}\n`);
}

void main(process.argv.slice(2));
