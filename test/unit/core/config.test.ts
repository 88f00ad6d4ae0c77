import { ConfigError, config, envNames, read, readIfSet, variables } from '../../../core/config';
import { workerLimitEnv } from '../../../core/limits';

describe('the configuration registry', () => {
  test('names every variable once', () => {
    const names = Object.values(variables).map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    expect(envNames.table).toBe('TABLE_NAME');
  });

  test('the limits the dispatcher hands a Batch job are variables the worker reads', () => {
    const handed = Object.keys(
      workerLimitEnv({
        maxDatafileBytes: 1,
        maxArchiveEntries: 2,
        maxUncompressedBytes: 3,
        maxQueuedJobs: 4,
        maxStorageBytes: 5,
      }),
    );
    const readByWorker = Object.values(variables).filter((variable) => variable.readers.includes('worker'));
    expect(handed.filter((name) => !readByWorker.some((variable) => variable.name === name))).toEqual([]);
  });
});

describe('reading a variable', () => {
  test('unset or empty takes the default', () => {
    expect(read('maxWorkers', {})).toBe(2);
    expect(read('maxWorkers', { ELASTIC_CAFFE_MAX_WORKERS: '' })).toBe(2);
    expect(read('maxDatafileBytes', {})).toBe(50 * 1024 ** 3);
    expect(read('gpu', {})).toBe(false);
    expect(read('adminPrincipalArns', {})).toEqual([]);
    expect(read('batchCpuJobQueue', {})).toBeUndefined();
  });

  test('numbers are coerced and range-checked', () => {
    expect(read('maxWorkers', { ELASTIC_CAFFE_MAX_WORKERS: '0' })).toBe(0);
    expect(read('jobsRetryAfterSeconds', { ELASTIC_CAFFE_QUOTA_RETRY_AFTER_SECONDS: '30' })).toBe(30);
    expect(read('maxCompressionRatio', { ELASTIC_CAFFE_MAX_COMPRESSION_RATIO: '2.5' })).toBe(2.5);
    expect(() => read('jobsRetryAfterSeconds', { ELASTIC_CAFFE_QUOTA_RETRY_AFTER_SECONDS: '0' })).toThrow(
      'ELASTIC_CAFFE_QUOTA_RETRY_AFTER_SECONDS must be a positive integer, not "0"',
    );
    expect(() => read('maxWorkers', { ELASTIC_CAFFE_MAX_WORKERS: '1.5' })).toThrow(
      'ELASTIC_CAFFE_MAX_WORKERS must be a whole number ≥ 0, not "1.5"',
    );
    expect(() => read('maxCompressionRatio', { ELASTIC_CAFFE_MAX_COMPRESSION_RATIO: 'lots' })).toThrow(
      'ELASTIC_CAFFE_MAX_COMPRESSION_RATIO must be a positive number, not "lots"',
    );
  });

  test('flags take 1/true and 0/false, nothing else', () => {
    expect(read('gpu', { ELASTIC_CAFFE_GPU: '1' })).toBe(true);
    expect(read('gpu', { ELASTIC_CAFFE_GPU: 'true' })).toBe(true);
    expect(read('gpu', { ELASTIC_CAFFE_GPU: '0' })).toBe(false);
    expect(() => read('gpu', { ELASTIC_CAFFE_GPU: 'yes' })).toThrow('ELASTIC_CAFFE_GPU must be 1, true, 0 or false');
  });

  test('lists are split on commas and trimmed, and checked against what they may hold', () => {
    expect(read('adminPrincipalArns', { ADMIN_PRINCIPAL_ARNS: ' arn:a , ,arn:b' })).toEqual(['arn:a', 'arn:b']);
    expect(read('allowPrivateUrls', { ELASTIC_CAFFE_ALLOW_PRIVATE_URLS: 'loopback, private' })).toEqual([
      'loopback',
      'private',
    ]);
    expect(() => read('allowPrivateUrls', { ELASTIC_CAFFE_ALLOW_PRIVATE_URLS: 'loopback,link-local' })).toThrow(
      'ELASTIC_CAFFE_ALLOW_PRIVATE_URLS must be a comma-separated list of "loopback", "private", ' +
        'not "loopback,link-local"',
    );
  });

  test('URLs must parse', () => {
    expect(read('s3Endpoint', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' })).toBe('http://127.0.0.1:4566');
    expect(() => read('jobsQueueUrl', { JOBS_QUEUE_URL: 'jobs' })).toThrow('JOBS_QUEUE_URL must be a URL, not "jobs"');
  });

  test('a required variable that is missing is named', () => {
    const error = (() => {
      try {
        read('table', {});
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable: 'TABLE_NAME', message: 'environment variable TABLE_NAME is not set' });
    expect(readIfSet('table', {})).toBeUndefined();
    expect(readIfSet('table', { TABLE_NAME: 'records' })).toBe('records');
  });

  test('the getters read the process environment when called, not when loaded', () => {
    const saved = process.env.ELASTIC_CAFFE_MAX_CONCURRENT_JOBS;
    try {
      process.env.ELASTIC_CAFFE_MAX_CONCURRENT_JOBS = '7';
      expect(config.maxConcurrentJobs()).toBe(7);
      process.env.ELASTIC_CAFFE_MAX_CONCURRENT_JOBS = '8';
      expect(config.maxConcurrentJobs()).toBe(8);
    } finally {
      if (saved === undefined) delete process.env.ELASTIC_CAFFE_MAX_CONCURRENT_JOBS;
      else process.env.ELASTIC_CAFFE_MAX_CONCURRENT_JOBS = saved;
    }
  });
});
