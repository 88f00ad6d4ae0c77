/** The first page: what to do first (upload, dataset, solver, train, classify), and the latest jobs. */
import type { TrainingJob } from '@elastic-caffe/sdk';
import { useClient } from '../context';
import { ErrorAlert, PageHeader, ProgressBar, StatusBadge, nameOf, useLoad } from '../ui';

const steps = [
  {
    path: '/datafiles',
    title: 'Upload data',
    text: 'Drop an archive or a folder with one sub-folder of images per class.',
  },
  {
    path: '/datasets',
    title: 'Build a dataset',
    text: 'Split it into training and testing, resize, choose grey or colour.',
  },
  {
    path: '/solvers/new',
    title: 'Write a solver',
    text: 'Start from LeNet or a CIFAR-10 net; the service checks it line by line.',
  },
  { path: '/training-jobs', title: 'Train', text: 'Watch the loss and accuracy live, with Caffe’s log.' },
  { path: '/classifiers', title: 'Classify', text: 'Make a classifier from a trained job and drop images on it.' },
];

function LatestJobs() {
  const client = useClient();
  const jobs = useLoad(() => client.trainingJobs.list({ limit: 5 }), [client]);
  if (jobs.error) return <ErrorAlert error={jobs.error} />;
  const items: TrainingJob[] = jobs.data?.items ?? [];
  if (!items.length) return null;
  return (
    <section aria-labelledby="latest">
      <h2 id="latest">Latest training jobs</h2>
      <ul class="plain">
        {items.map((job) => (
          <li key={job.id}>
            <a href={`/training-jobs/${job.id}`}>{nameOf(job)}</a> <StatusBadge status={job.status} />{' '}
            <ProgressBar
              label={`Progress of ${nameOf(job)}`}
              value={job.progress.iteration}
              max={job.progress.maxIterations || 1}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" />
      <section aria-labelledby="first-steps">
        <h2 id="first-steps">First steps</h2>
        <ol class="steps">
          {steps.map((step) => (
            <li key={step.path}>
              <a href={step.path}>{step.title}</a>
              <p>{step.text}</p>
            </li>
          ))}
        </ol>
      </section>
      <LatestJobs />
    </>
  );
}
