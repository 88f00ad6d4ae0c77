/**
 * bench:import's runs, their summary (medians with min–max per format and arm, ratios, where B's
 * time goes) and the Markdown tables of docs/BENCHMARKS.md.
 */
import type { CpuUsage, MachineInfo } from './machine';
import type { WindowUsage } from './proc-sampler';
import { fixed, summarize, type Summary } from './stats';

export interface ImportRun {
  /** A bare converter on plain inputs; A′ by hand from the datafile (secondary); B through the API. */
  arm: 'bare' | 'byHand' | 'api';
  format: 'image-folders' | 'idx';
  round: number;
  warmup: boolean;
  images: number;
  /** A: converter spawn → exit; B: POST sent → `ready` seen. */
  seconds: number;
  imagesPerSecond: number;
  /** Seconds per step (B: see importPhaseOf; A: the converter). */
  phases: Record<string, number>;
  datasetId?: string;
  batchJobId?: string;
  /** Machine CPU use during the run; othersCores is the noise from other work. */
  cpu?: CpuUsage;
  /** Who used the cores during the run (cores, by process kind). */
  runCpu?: WindowUsage;
  loadAverage: number;
}

/** B's steps in order, named for readers; a step lasts from its mark to the next one. */
export const importPhases = {
  api: 'POST answered (record + queue message)',
  dispatch: 'queue → dispatcher → Batch → worker spawned',
  workerBoot: 'worker boot (Node + bundle) → first line',
  download: 'records read, datafile downloaded from S3',
  archiveCheck: 'archive hygiene pass (before the single-pass tar extraction)',
  listing: 'archive listing: entries checked, image headers kept, nothing written (stream path)',
  extract: 'extraction, entries checked as they stream (+ label folders walked)',
  readIdx: 'IDX files read and gunzipped',
  split: 'stratified seeded split',
  imageCheck: 'every image checked (read once; PNG chunks, CRCs, inflated length)',
  lists: 'order and list/IDX subset written (both sides)',
  convert:
    'conversion (both sides): Caffe converter processes, or decode + Datums → mdb_load + mean summed (stream path)',
  mean: 'compute_image_mean',
  upload: 'uploads (LMDBs, mean) and record',
  finish: 'worker exit → `ready` seen (status event, poll)',
  other: 'other',
} as const;

export type ImportPhase = keyof typeof importPhases;

/**
 * B's steps around the import's own work, which a bare converter does not have at all: the request,
 * the dispatch, the worker's start, the datafile's download, the uploads and the record, and
 * `ready` being seen. A ÷ their sum is the highest B/A could be if listing, checking, decoding and
 * converting took no time (the "ceiling" column).
 */
const serviceSteps: ImportPhase[] = ['api', 'dispatch', 'workerBoot', 'download', 'upload', 'finish'];

/** The phase a mark starts: the bench's own marks, or a worker line (`[worker] step …`). */
export function importPhaseOf(mark: string): ImportPhase {
  if (mark === 'api' || mark === 'dispatch') return mark;
  if (mark === 'worker-boot') return 'workerBoot';
  const step = /^\[worker\] step (.+)$/.exec(mark)?.[1];
  if (step === undefined) {
    if (/^\[worker\] prepare-dataset /.test(mark)) return 'download';
    if (/^\[worker\] done/.test(mark)) return 'finish';
    return 'other';
  }
  if (step === 'check-archive') return 'archiveCheck';
  if (step === 'archive listing') return 'listing';
  if (/^(decode \+ )?datums \+ mdb_load/.test(step)) return 'convert';
  if (step === 'extract') return 'extract';
  if (step === 'read-idx') return 'readIdx';
  if (step === 'split') return 'split';
  if (step === 'check-images') return 'imageCheck';
  if (step.startsWith('list ')) return 'lists';
  if (/^convert_(imageset|mnist_data) /.test(step)) return 'convert';
  if (step === 'compute_image_mean') return 'mean';
  if (step === 'compute_image_mean done') return 'upload';
  return 'other';
}

export function summarizeImport(timed: ImportRun[], formats: Array<ImportRun['format']>) {
  return Object.fromEntries(
    formats.map((format) => {
      const bare = timed.filter((r) => r.format === format && r.arm === 'bare');
      const api = timed.filter((r) => r.format === format && r.arm === 'api');
      const byHand = timed.filter((r) => r.format === format && r.arm === 'byHand');
      const serviceSeconds = (r: ImportRun) => serviceSteps.reduce((sum, p) => sum + (r.phases[p] ?? 0), 0);
      const paired = (rate: (r: ImportRun) => number, against = bare) =>
        summarize(against.map((a) => rate(api.find((b) => b.round === a.round) ?? a) / a.imagesPerSecond));
      const phaseNames = [...new Set(api.flatMap((r) => Object.keys(r.phases)))] as ImportPhase[];
      const kinds = [...new Set([...bare, ...byHand, ...api].flatMap((r) => Object.keys(r.runCpu?.cores ?? {})))];
      const cpuOf = (runs: ImportRun[]) =>
        Object.fromEntries([
          ...kinds.map(
            (k) => [k, summarize(runs.map((r) => (r.runCpu ? (r.runCpu.cores[k] ?? 0) : Number.NaN)))] as const,
          ),
          ['othersOnMachine', summarize(runs.map((r) => r.runCpu?.othersCores ?? Number.NaN))] as const,
        ]);
      const s = {
        bare: {
          imagesPerSecond: summarize(bare.map((r) => r.imagesPerSecond)),
          seconds: summarize(bare.map((r) => r.seconds)),
          othersCores: summarize(bare.map((r) => r.cpu?.othersCores ?? Number.NaN)),
          cpu: cpuOf(bare),
        },
        api: {
          imagesPerSecond: summarize(api.map((r) => r.imagesPerSecond)),
          serviceSeconds: summarize(api.map(serviceSeconds)),
          seconds: summarize(api.map((r) => r.seconds)),
          phases: Object.fromEntries(
            phaseNames.map((p) => [p, summarize(api.map((r) => r.phases[p] ?? 0))]),
          ) as Partial<Record<ImportPhase, Summary>>,
          othersCores: summarize(api.map((r) => r.cpu?.othersCores ?? Number.NaN)),
          cpu: cpuOf(api),
        },
        // Secondary (A′): only when the run had that arm.
        byHand: byHand.length
          ? {
              imagesPerSecond: summarize(byHand.map((r) => r.imagesPerSecond)),
              seconds: summarize(byHand.map((r) => r.seconds)),
              phases: Object.fromEntries(
                [...new Set(byHand.flatMap((r) => Object.keys(r.phases)))].map((p) => [
                  p,
                  summarize(byHand.map((r) => r.phases[p] ?? 0)),
                ]),
              ),
              othersCores: summarize(byHand.map((r) => r.cpu?.othersCores ?? Number.NaN)),
              cpu: cpuOf(byHand),
              ratio: {
                ofMedians:
                  summarize(api.map((r) => r.imagesPerSecond)).median /
                  summarize(byHand.map((r) => r.imagesPerSecond)).median,
                paired: paired((r) => r.imagesPerSecond, byHand),
              },
            }
          : undefined,
        ratio: { ofMedians: Number.NaN, paired: paired((r) => r.imagesPerSecond) },
        // A's time over B's service steps, per round: the ratio B/A could reach at best.
        ceiling: {
          ofMedians: Number.NaN,
          paired: summarize(bare.map((a) => a.seconds / serviceSeconds(api.find((b) => b.round === a.round) ?? a))),
        },
      };
      s.ratio.ofMedians = s.api.imagesPerSecond.median / s.bare.imagesPerSecond.median;
      s.ceiling.ofMedians = s.bare.seconds.median / s.api.serviceSeconds.median;
      return [format, s];
    }),
  );
}

export type ImportSummary = ReturnType<typeof summarizeImport>;

const cell = (x: Summary | undefined, digits: number) =>
  x ? `${fixed(x.median, digits)} (${fixed(x.min, digits)}–${fixed(x.max, digits)})` : '–';

export function importReport(
  summary: ImportSummary,
  machine: MachineInfo,
  command: string,
  rounds: number,
  warmups: number,
  images: number,
): string {
  const lines = [
    `Machine: ${machine.cpuModel}, ${machine.nproc} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `${machine.platform}, ${machine.date.slice(0, 16)}Z. ` +
      `Command: \`${command}\` (${rounds} rounds after ${warmups} warm-up, ${images} Fashion-MNIST images). ` +
      'Median (min–max):',
    '',
    '| format | A: bare converter, images/s | B: dataset through the API, images/s | ' +
      "ratio B/A (of medians; paired) | B's service steps, s | " +
      'ceiling on B/A: A ÷ service steps (of medians; paired) | other work, cores (A / B) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [format, s] of Object.entries(summary))
    lines.push(
      `| ${format} | ${cell(s.bare.imagesPerSecond, 0)} | ${cell(s.api.imagesPerSecond, 0)} | ` +
        `${fixed(s.ratio.ofMedians, 3)}; ${cell(s.ratio.paired, 3)} | ` +
        `${cell(s.api.serviceSeconds, 3)} | ${fixed(s.ceiling.ofMedians, 3)}; ${cell(s.ceiling.paired, 3)} | ` +
        `${fixed(s.bare.othersCores.median, 2)} / ${fixed(s.api.othersCores.median, 2)} |`,
    );
  if (Object.values(summary).some((s) => s.byHand))
    lines.push(
      '',
      'Secondary — A′, by hand from the same datafile (unpack, convert, compute_image_mean), median (min–max):',
      '',
      '| format | A′: by hand, images/s | A′ steps, s | B, images/s | ratio B/A′ (of medians; paired) |',
      '|---|---|---|---|---|',
      ...Object.entries(summary)
        .filter(([, s]) => s.byHand)
        .map(
          ([format, s]) =>
            `| ${format} | ${cell(s.byHand!.imagesPerSecond, 0)} | ${Object.entries(s.byHand!.phases)
              .map(([name, x]) => `${name} ${fixed(x.median, 3)}`)
              .join(' + ')} | ` +
            `${cell(s.api.imagesPerSecond, 0)} | ` +
            `${fixed(s.byHand!.ratio.ofMedians, 3)}; ${cell(s.byHand!.ratio.paired, 3)} |`,
        ),
    );
  const formats = Object.keys(summary);
  lines.push(
    '',
    `Where B's time goes, s, median (min–max); A's converter for reference:`,
    '',
    `| step | ${formats.join(' | ')} |`,
    `|---|${formats.map(() => '---').join('|')}|`,
  );
  for (const [phase, name] of Object.entries(importPhases)) {
    const cells = formats.map((f) => summary[f]!.api.phases[phase as ImportPhase]);
    if (cells.every((c) => !c || c.max === 0)) continue;
    lines.push(`| ${name} | ${cells.map((c) => cell(c, 3)).join(' | ')} |`);
  }
  lines.push(
    `| **total (POST → \`ready\` seen)** | ${formats.map((f) => cell(summary[f]!.api.seconds, 3)).join(' | ')} |`,
  );
  lines.push(
    `| *A: bare converter, spawn → exit* | ${formats.map((f) => cell(summary[f]!.bare.seconds, 3)).join(' | ')} |`,
  );
  return lines.join('\n');
}
