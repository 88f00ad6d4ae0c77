import { datafileView, trainingJobView } from '../../../../core/api/views';
import { toView } from '../../../../core/usecases/views';

const times = { createdAt: '2026-12-06T10:00:00.000Z', updatedAt: '2026-12-06T10:01:00.000Z' };

describe('record views are allow-lists', () => {
  it('shows only the fields the view names: storage details and any new internal field stay inside', () => {
    const stored = {
      id: 'df-1',
      ...times,
      tenantId: 'acme',
      objectKey: 'tenants/acme/datafiles/df-1/archive',
      multipartUploadId: 'upload-7',
      someFieldAddedTomorrow: 'secret',
      format: 'image-folders',
      status: 'ready',
      sizeBytes: 1234,
      labels: ['cat', 'dog'],
    };
    expect(toView(datafileView, stored)).toEqual({
      id: 'df-1',
      ...times,
      format: 'image-folders',
      status: 'ready',
      sizeBytes: 1234,
      labels: ['cat', 'dog'],
    });
  });

  it('drops unnamed keys inside nested objects too (a model shows its iteration and size, not its S3 key)', () => {
    const job = {
      id: 'tj-1',
      ...times,
      tenantId: 'acme',
      solverId: 's-1',
      datasetId: 'ds-1',
      status: 'succeeded',
      attempts: 1,
      batchJobId: 'batch-9',
      dispatchClaimId: 'claim-3',
      progress: { iteration: 30, maxIterations: 30, testOutputs: { accuracy: 0.8 } },
      model: { key: 'tenants/acme/training-jobs/tj-1/model.caffemodel', iteration: 30, bytes: 1725000 },
    };
    const view = toView(trainingJobView, job);
    expect(view.model).toEqual({ iteration: 30, bytes: 1725000 });
    expect(Object.keys(view).sort()).toEqual(
      ['attempts', 'createdAt', 'datasetId', 'id', 'model', 'progress', 'solverId', 'status', 'updatedAt'].sort(),
    );
  });

  it('refuses a record its view cannot show, naming the field, instead of answering something undocumented', () => {
    expect(() => toView(datafileView, { id: 'df-2', ...times, format: 'image-folders', status: 'exploded' })).toThrow(
      /a record does not fit its view:[\s\S]*status/,
    );
  });
});
