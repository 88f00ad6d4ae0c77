/**
 * `npm run -s token -- <tenant> [--admin]`: prints a bearer token (12 h) from the local issuer,
 * and nothing else on stdout, so `TOKEN=$(npm run -s token -- alice)` works.
 */
import { tenantIdSchema } from '../core/ids';
import { localHome } from './caffe/install';
import { issueToken } from './auth';

async function main(args: string[]): Promise<void> {
  const admin = args.includes('--admin');
  const tenant = args.find((a) => !a.startsWith('--'));
  if (!tenant || !tenantIdSchema.safeParse(tenant).success) {
    console.error(
      'usage: npm run -s token -- <tenant> [--admin]   (tenant: 1-128 letters, digits and _ + = , . @ : -)',
    );
    process.exit(2);
  }
  process.stdout.write(`${await issueToken(localHome(), tenant, { admin })}\n`);
}

void main(process.argv.slice(2));
