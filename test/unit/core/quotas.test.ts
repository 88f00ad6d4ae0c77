/** Limit and quota settings: defaults, environment overrides, per-tenant overrides, and refusing nonsense loudly. */
import { envNames } from '../../../core/config';
import { defaultLimits, limitSettingsSchema, limitsOf } from '../../../core/limits';
import { QuotaExceededError } from '../../../core/quotas';

const GiB = 1024 ** 3;

describe('defaultLimits', () => {
  it('has defaults without any environment, and no per-tenant overrides', () => {
    expect(defaultLimits({})).toEqual({
      default: {
        maxDatafileBytes: 50 * GiB,
        maxArchiveEntries: 2_000_000,
        maxUncompressedBytes: 32 * GiB,
        maxQueuedJobs: 20,
        maxStorageBytes: 200 * GiB,
      },
      tenants: {},
    });
  });

  it('takes each limit from its environment variable (the quota names are the same variables)', () => {
    const env = {
      [envNames.maxDatafileBytes]: '1',
      [envNames.maxArchiveEntries]: '2',
      [envNames.maxUncompressedBytes]: '3',
      [envNames.maxQueuedJobs]: '4',
      [envNames.maxStorageBytes]: '5',
    };
    expect(defaultLimits(env).default).toEqual({
      maxDatafileBytes: 1,
      maxArchiveEntries: 2,
      maxUncompressedBytes: 3,
      maxQueuedJobs: 4,
      maxStorageBytes: 5,
    });
  });

  it.each(['0', '-1', '1.5', 'many'])('refuses %s as a limit, naming the variable', (raw) => {
    expect(() => defaultLimits({ [envNames.maxQueuedJobs]: raw })).toThrow(
      `${envNames.maxQueuedJobs} must be a positive integer, not "${raw}"`,
    );
  });
});

describe('limitsOf', () => {
  const settings = limitSettingsSchema.parse({
    default: {
      maxDatafileBytes: 100,
      maxArchiveEntries: 200,
      maxUncompressedBytes: 300,
      maxQueuedJobs: 4,
      maxStorageBytes: 500,
    },
    tenants: { big: { maxDatafileBytes: 10_000, maxStorageBytes: 50_000 } },
  });

  it("gives a tenant with overrides those fields, and the default's for the rest", async () => {
    await expect(limitsOf('big', settings)).resolves.toEqual({
      maxDatafileBytes: 10_000,
      maxArchiveEntries: 200,
      maxUncompressedBytes: 300,
      maxQueuedJobs: 4,
      maxStorageBytes: 50_000,
    });
  });

  it('gives every other tenant the default', async () => {
    await expect(limitsOf('small', settings)).resolves.toEqual(settings.default);
  });
});

describe('limitSettingsSchema', () => {
  it.each([
    ['a default field missing', { default: { maxDatafileBytes: 1 } }],
    ['an unknown field', { default: defaultLimits({}).default, tenants: { t: { maxGpus: 3 } } }],
    ['a limit of zero', { default: { ...defaultLimits({}).default, maxQueuedJobs: 0 } }],
    ['a tenant id with a slash', { default: defaultLimits({}).default, tenants: { 'a/b': { maxQueuedJobs: 1 } } }],
  ])('refuses %s', (_, body) => {
    expect(limitSettingsSchema.safeParse(body).success).toBe(false);
  });
});

it('a used-up quota is a 429 that knows when to retry', () => {
  const error = new QuotaExceededError('full', 30);
  expect({
    status: error.status,
    title: error.title,
    detail: error.message,
    retryAfterSeconds: error.retryAfterSeconds,
  }).toEqual({ status: 429, title: 'Quota exceeded', detail: 'full', retryAfterSeconds: 30 });
});
