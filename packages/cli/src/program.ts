/**
 * Every command, argument and option of `ecaffe`, and nothing else: actions load their module only
 * when they run (so `--help` starts fast). docs/CLI.md and the completion scripts are generated
 * from this tree (`npm run docs:cli`; a test fails when the document is stale).
 */
import { Argument, Command, Option } from 'commander';
import type { Cli } from './cli';

/** Runs a command's handler: `(cli, args, options)`, loaded on demand. */
export type Runner = (module: string, handler: string) => (...args: unknown[]) => Promise<void>;

const intArg = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new (require('commander') as typeof import('commander')).InvalidArgumentError(
      `${name} must be a whole number`,
    );
  return n;
};
const fraction = (value: string) => {
  const n = Number(value);
  if (!(n > 0 && n < 1))
    throw new (require('commander') as typeof import('commander')).InvalidArgumentError(
      'a fraction between 0 and 1, e.g. 0.8',
    );
  return n;
};
const size = (value: string) => {
  if (!/^\d+x\d+$/.test(value))
    throw new (require('commander') as typeof import('commander')).InvalidArgumentError('WIDTHxHEIGHT, e.g. 32x32');
  return value;
};
const formats = ['image-folders', 'idx', 'lmdb', 'leveldb'];
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `--param`'s syntax (sweep-spec.ts' parser), shown after `ecaffe sweeps create --help`. */
const paramHelp = `
--param NAME=SPEC (repeat it for each parameter); NAME is a solver field (base_lr) or a net field
by its layer (layer[conv1].convolution_param.num_output); SPEC is one of
  V1,V2,...     these values (numbers, true/false or text)  momentum=0.8,0.9,0.95
  LO..HI        uniform between LO and HI                    weight_decay=0.0001..0.01
  log:LO..HI    log-uniform, LO > 0                          base_lr=log:0.001..0.1
  int:LO..HI    whole numbers from LO to HI                  layer[conv1].convolution_param.num_output=int:10..50
grid takes values only; random and asha draw from any.

Examples:
  ecaffe sweeps create --solver sv_... --strategy grid --param base_lr=0.001,0.01 --param momentum=0.9,0.95 \\
      --objective accuracy
  ecaffe sweeps create --solver sv_... --strategy asha --max-trials 27 --min-iterations 100 \\
      --param base_lr=log:0.0001..0.1 --objective accuracy:max --max-parallel 3
  ecaffe sweeps create --spec sweep.json --seed 7     (the POST /v1/sweeps body; flags override it)`;

/** `ls`, `get` and `rm` of a collection's group (`ecaffe jobs ls`); `statuses`: ls filters by status. */
function readCommands(group: Command, run: Runner, plural: string, singular: string, statuses = true): void {
  const ls = group.command('ls').description(`List your ${plural}`);
  if (statuses) ls.option('--status <status>', 'only in this status (e.g. running)');
  ls.option('--limit <n>', 'at most N', intArg('--limit')).action(run('records', 'list'));
  group.command('get').description(`Show a ${singular}`).argument('<id>').action(run('records', 'get'));
  group
    .command('rm')
    .description(`Delete a ${singular}${singular === 'training job' ? ' (finished) and its artifacts' : ''}`)
    .argument('<id>')
    .action(run('records', 'remove'));
}

export function buildProgram(run: Runner, version = '0.0.0'): Command {
  const program = new Command('ecaffe')
    .description('Train and use Caffe models on Elastic Caffe.')
    .version(version)
    .addOption(new Option('--endpoint <url>', 'API base URL').env('ECAFFE_ENDPOINT'))
    .addOption(
      new Option('--token <token>', "bearer token to send (instead of the profile's sign-in)").env('ECAFFE_TOKEN'),
    )
    .addOption(
      new Option('--profile <name>', 'named endpoint and sign-in (several side by side)').env('ECAFFE_PROFILE'),
    )
    .option('--json', 'JSON on stdout: one document, or one line per update when following')
    .option('--quiet', 'no messages on stderr, only results and errors')
    .option('--debug', 'show stack traces of unexpected errors')
    .showHelpAfterError('(add --help for usage)')
    // Usage errors are thrown (main.ts turns them into exit code 2); subcommands inherit this.
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 the API refused or could not be reached, 2 usage error,\n' +
        '3 the job, dataset, sweep or classify job ended failed or cancelled, 130 interrupted (Ctrl-C),\n' +
        '141 the reader of stdout closed it (as `| head` does).',
    );

  program
    .command('login')
    .description('Sign in and remember it in the profile: the local system (--local), Cognito, or IAM')
    .option('--local', "the local system's token route (npm start)")
    .option('--tenant <name>', 'with --local: the tenant to act as')
    .option('--admin', 'with --local: an admin token')
    .option('--username <user>', 'Cognito user name (e-mail address)')
    .option('--password-stdin', 'read the Cognito password from stdin')
    .option('--client-id <id>', "Cognito app client (the stack's UserPoolClientId output)")
    .option('--region <region>', "the deployment's AWS region (Cognito and IAM)")
    .option('--iam', 'sign every request with SigV4 and the default AWS credentials (authMode iam)')
    .option('--aws-profile <name>', 'with --iam: the AWS profile to take credentials from')
    .action(run('login', 'login'));

  program
    .command('train')
    .description('Upload data, build a dataset, store the solver and train it, following the job to its end')
    .argument('<data>', 'a folder of class sub-folders, an archive, or an existing df_… or ds_… id')
    .requiredOption('--net <file>', 'net prototxt')
    .requiredOption('--solver <file>', 'solver prototxt')
    .option('--test <data>', 'test data (folder, archive or df_… id); without it --split divides DATA')
    .option('--split <fraction>', 'the part of DATA to train on, the rest tests (default 0.8)', fraction)
    .addOption(new Option('--format <format>', 'the data format (default image-folders)').choices(formats))
    .option('--gray', 'force one channel')
    .option('--resize <WxH>', 'resize every image (stretched)', size)
    .option('--cpu', 'train on CPU workers instead of GPU')
    .addOption(
      new Option('--gpus <n>', "GPUs on one instance, data-parallel (up to the stack's maxGpusPerJob)")
        .choices(['1', '2', '4', '8'])
        .conflicts('cpu'),
    )
    .option('--name <name>', 'name of the datafiles, dataset, solver and job')
    .option('--max-runtime <seconds>', 'stop an attempt after this long', intArg('--max-runtime'))
    .option('--no-follow', 'return once the job is queued')
    .option('--logs', "stream Caffe's log while following")
    .option('--download <dir>', 'download the trained model bundle into DIR when the job succeeds')
    .option('--weights <model-id>', "fine-tune from a model's weights (Caffe copies layers by name)")
    .action(run('train', 'train'));

  const datafiles = program.command('datafiles').description('Archives to train on');
  readCommands(datafiles, run, 'datafiles', 'datafile');
  datafiles
    .command('upload')
    .description('Upload a file, or a folder (packed as a plain tar on the fly), and wait until it is checked')
    .argument('<path>', 'an archive, or a folder of class sub-folders (hidden files are left out)')
    .addOption(new Option('--format <format>', 'default image-folders').choices(formats))
    .option('--name <name>', 'datafile name (default: the file or folder name)')
    .option('--resume <id>', 'continue the interrupted multipart upload of this datafile')
    .option('--no-wait', 'return once the bytes are uploaded')
    .action(run('datafiles', 'upload'));

  const datasets = program.command('datasets').description('Training and test databases built from datafiles');
  readCommands(datasets, run, 'datasets', 'dataset');
  datasets
    .command('create')
    .description('Build a dataset and wait until it is ready')
    .requiredOption('--train <id>', 'training datafile')
    .option('--test <id>', 'test datafile (without it --split divides the training datafile)')
    .option('--split <fraction>', 'the part of the training datafile to train on (default 0.8)', fraction)
    .option('--gray', 'force one channel')
    .option('--resize <WxH>', 'resize every image (stretched)', size)
    .option('--name <name>', 'dataset name')
    .option('--no-wait', 'return once it is queued')
    .action(run('datasets', 'create'));
  datasets
    .command('samples')
    .description('List the labels, training counts and sample thumbnails (presigned URLs, valid 15 minutes)')
    .argument('<id>')
    .option('--per-class <n>', 'thumbnails per class (default 8, at most 32)', intArg('--per-class'))
    .action(run('datasets', 'samples'));

  const solvers = program.command('solvers').description("Solver and net prototxt, checked against Caffe's schema");
  readCommands(solvers, run, 'solvers', 'solver', false);
  solvers
    .command('create')
    .description('Store a solver and net for a dataset (errors print as file:line:column)')
    .requiredOption('--dataset <id>', 'the dataset to train on')
    .requiredOption('--net <file>', 'net prototxt')
    .requiredOption('--solver <file>', 'solver prototxt')
    .option('--name <name>', 'solver name')
    .action(run('solvers', 'create'));

  const jobs = program.command('jobs').description('Training jobs');
  readCommands(jobs, run, 'training jobs', 'training job');
  jobs
    .command('watch')
    .description('Follow a job to its end with a live status line')
    .argument('<id>')
    .option('--logs', "stream Caffe's log too")
    .action(run('jobs', 'watch'));
  jobs
    .command('logs')
    .description("Print Caffe's log")
    .argument('<id>')
    .option('-f, --follow', 'keep printing until the job ends')
    .action(run('jobs', 'logs'));
  jobs
    .command('metrics')
    .description('Loss and test outputs over iterations')
    .argument('<id>')
    .action(run('jobs', 'metrics'));
  jobs.command('cancel').description('Stop a queued or running job').argument('<id>').action(run('jobs', 'cancel'));
  jobs
    .command('download')
    .description('Download the model bundle (deploy.prototxt, model.caffemodel, labels.txt, preprocessing.json)')
    .argument('<id>')
    .option('-o, --output <dir>', 'where to put it (default: ./<id>)')
    .action(run('jobs', 'download'));
  jobs
    .command('resume')
    .description(
      'Continue a finished job from its last snapshot up to a new max_iter (a solver copy with that max_iter)',
    )
    .argument('<id>')
    .requiredOption('--max-iter <n>', 'the new max_iter', intArg('--max-iter'))
    .option('--no-follow', 'return once the job is queued')
    .option('--logs', "stream Caffe's log while following")
    .action(run('jobs', 'resume'));

  const sweeps = program
    .command('sweeps')
    .description('Hyperparameter searches over a solver (grid, random, ASHA), followed with a live leaderboard');
  sweeps
    .command('ls')
    .description('List your sweeps')
    .option('--status <status>', 'only in this status (running, succeeded, failed, cancelled)')
    .option('--limit <n>', 'at most N', intArg('--limit'))
    .action(run('records', 'list'));
  sweeps
    .command('get')
    .description("Show a sweep's leaderboard (--json: the whole sweep)")
    .argument('<id>')
    .action(run('sweeps', 'get'));
  sweeps
    .command('trial')
    .description('Show one trial: its jobs and its curve across them (loss, learning rate, test outputs)')
    .argument('<id>')
    .argument('<trial>', 't1, t2 … as the leaderboard names them')
    .action(run('sweeps', 'trial'));
  sweeps
    .command('create')
    .description('Start a sweep and follow it to its end with a live leaderboard (the best trial last)')
    .option('--solver <id>', 'the solver to vary (sv_…)')
    .option(
      '--param <NAME=SPEC>',
      'a parameter to search, repeatable: NAME=V1,V2,… (values), NAME=LO..HI (uniform), NAME=log:LO..HI, ' +
        'NAME=int:LO..HI; NAME a solver field or layer[NAME].field.path (details: sweeps create --help)',
      collect,
    )
    .addOption(new Option('--strategy <strategy>', 'how points are chosen').choices(['grid', 'random', 'asha']))
    .option('--max-trials <n>', 'trials to run (grid: default all; random and asha need it)', intArg('--max-trials'))
    .option('--max-parallel <n>', 'trials training at once (default 2)', intArg('--max-parallel'))
    .option(
      '--objective <output[:max|:min]>',
      'the test output to rank by, e.g. accuracy:max (default :max; :min for an output named …loss…)',
    )
    .option('--min-iterations <n>', 'asha: iterations of the first rung', intArg('--min-iterations'))
    .option('--reduction-factor <n>', 'asha: keep the best 1/N at each rung (default 3)', intArg('--reduction-factor'))
    .option('--seed <n>', 'random and asha: draw the same points again', intArg('--seed'))
    .option('--name <name>', 'sweep name (default: STRATEGY-sweep)')
    .option('--cpu', 'train the trials on CPU workers instead of GPU')
    .addOption(
      new Option('--gpus <n>', "GPUs for each trial's job, data-parallel (up to the stack's maxGpusPerJob)")
        .choices(['1', '2', '4', '8'])
        .conflicts('cpu'),
    )
    .option('--spec <file>', 'a JSON file with the POST /v1/sweeps body; flags given override its fields')
    .option('--no-follow', 'return once the sweep has started')
    .addHelpText('after', paramHelp)
    .action(run('sweeps', 'create'));
  sweeps
    .command('watch')
    .description('Follow a sweep to its end with a live leaderboard (Ctrl-C stops following, not the sweep)')
    .argument('<id>')
    .action(run('sweeps', 'watch'));
  sweeps
    .command('cancel')
    .description("Stop a running sweep and its trials' queued and running jobs")
    .argument('<id>')
    .action(run('sweeps', 'cancel'));
  sweeps
    .command('rm')
    .description("Delete a finished sweep with its trials' jobs and derived solvers")
    .argument('<id>')
    .action(run('records', 'remove'));

  const models = program.command('models').description('Pretrained weights to fine-tune from and classify with');
  readCommands(models, run, 'models', 'model');
  models
    .command('upload')
    .description("Upload a .caffemodel and wait until Caffe's check says ready")
    .argument('<file>', 'the .caffemodel')
    .option('--deploy <file>', 'deploy net prototxt the weights load into (checked by Caffe)')
    .option('--labels <file>', 'class names, one per line, in output order')
    .option('--name <name>', 'model name (default: the file name)')
    .option('--resume <id>', 'continue the interrupted multipart upload of this model')
    .option('--no-wait', 'return once the bytes are uploaded')
    .action(run('models', 'upload'));
  models
    .command('import')
    .description("Import a .caffemodel from an http(s) URL (fetched by a worker) and wait for Caffe's check")
    .argument('<url>')
    .option('--deploy <file>', 'deploy net prototxt the weights load into (checked by Caffe)')
    .option('--labels <file>', 'class names, one per line, in output order')
    .option('--name <name>', "model name (default: the URL's file name)")
    .option('--no-wait', 'return once the import is queued')
    .action(run('models', 'importUrl'));
  models
    .command('publish')
    .description("Publish a training job's weights as a model (no copy; its deploy net, labels and preprocessing)")
    .argument('<job-id>')
    .option('--iteration <n>', 'a snapshot instead of the final model', intArg('--iteration'))
    .option('--name <name>', "model name (default: the job's)")
    .action(run('models', 'publish'));

  const classifiers = program
    .command('classifiers')
    .description("Trained models bound to their dataset's preprocessing");
  readCommands(classifiers, run, 'classifiers', 'classifier', false);
  classifiers
    .command('create')
    .description("Make a classifier from a job's model")
    .argument('<job-id>')
    .option('--iteration <n>', 'a snapshot instead of the final model', intArg('--iteration'))
    .option('--name <name>', 'classifier name')
    .action(run('classifiers', 'create'));

  program
    .command('classify')
    .description('Classify images: files or folders of images, any number (many go through a classify job)')
    .argument('<classifier-id>')
    .argument('<paths...>', 'image files or folders')
    .option('--top <k>', 'labels per image (default 5)', intArg('--top'))
    .action(run('classify', 'classify'));

  const admin = program.command('admin').description('Deployment settings (admins only)');
  admin
    .command('capacity')
    .description('Show or change how much work may run at once')
    .option('--max-workers <n>', 'Batch jobs running at once, all tenants together', intArg('--max-workers'))
    .option('--default-max-jobs <n>', "each tenant's running jobs unless overridden", intArg('--default-max-jobs'))
    .option('--tenant <tenant>', 'with --max-jobs: the tenant to override')
    .option('--max-jobs <n>', "with --tenant: that tenant's running jobs", intArg('--max-jobs'))
    .action(run('admin', 'capacity'));
  admin
    .command('limits')
    .description("Show or change what tenants may upload and keep (the default, or --tenant's override)")
    .option('--tenant <tenant>', "change this tenant's override instead of the default")
    .option('--max-datafile-bytes <n>', 'largest datafile', intArg('--max-datafile-bytes'))
    .option('--max-archive-entries <n>', 'entries in one archive', intArg('--max-archive-entries'))
    .option('--max-uncompressed-bytes <n>', 'bytes one archive may expand to', intArg('--max-uncompressed-bytes'))
    .option('--max-queued-jobs <n>', 'training jobs waiting at once', intArg('--max-queued-jobs'))
    .option('--max-storage-bytes <n>', "bytes of the tenant's datafiles", intArg('--max-storage-bytes'))
    .action(run('admin', 'limits'));
  admin
    .command('queue')
    .description('What runs and what waits for a worker, per tenant (busiest first), with totals')
    .option('--limit <n>', 'tenants listed at most (default 100; the totals count all)', intArg('--limit'))
    .action(run('admin', 'queue'));
  admin
    .command('rm-tenant')
    .description('Delete a whole tenant: stops its jobs, deletes its objects and records')
    .argument('<tenant>')
    .action(run('admin', 'removeTenant'));

  program
    .command('completion')
    .description('Print a shell completion script: eval "$(ecaffe completion bash)"')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action(run('completion', 'completion'));

  return program;
}

/** Command handlers receive the invocation context, the positional arguments and the options. */
export type Handler = (cli: Cli, args: string[], options: Record<string, unknown>, command: Command) => Promise<void>;
