/** Quota settings: defaults, environment overrides, and refusing nonsense loudly. */
import { QuotaExceededError, quotaEnvNames, tenantQuotas } from '../../core/quotas';

describe('tenantQuotas', () => {
  it('has defaults without any environment', () => {
    expect(tenantQuotas('t', {})).toEqual({ queuedJobs: 20, storageBytes: 200 * 1024 ** 3, jobsRetryAfterSeconds: 60 });
  });

  it('takes each quota from its environment variable', () => {
    const env = { [quotaEnvNames.queuedJobs]: '2', [quotaEnvNames.storageBytes]: '3', [quotaEnvNames.jobsRetryAfterSeconds]: '4' };
    expect(tenantQuotas('t', env)).toEqual({ queuedJobs: 2, storageBytes: 3, jobsRetryAfterSeconds: 4 });
  });

  it.each(['0', '-1', '1.5', 'many'])('refuses %s as a quota, naming the variable', (raw) => {
    expect(() => tenantQuotas('t', { [quotaEnvNames.queuedJobs]: raw })).toThrow(`${quotaEnvNames.queuedJobs} must be a positive integer, not "${raw}"`);
  });
});

it('a used-up quota is a 429 that knows when to retry', () => {
  const error = new QuotaExceededError('full', 30);
  expect({ status: error.status, title: error.title, detail: error.message, retryAfterSeconds: error.retryAfterSeconds }).toEqual({ status: 429, title: 'Quota exceeded', detail: 'full', retryAfterSeconds: 30 });
});
