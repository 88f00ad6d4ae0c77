/** Visible progress for the installer: one labelled line per step, throttled counters. */

export interface InstallOptions {
  /** Progress messages (default: one line each on stderr). */
  onProgress?: (msg: string) => void;
}

export function reporter(label: string, opts: InstallOptions): (msg: string) => void {
  const sink = opts.onProgress ?? ((msg: string) => void process.stderr.write(`${msg}\n`));
  return (msg) => sink(`${label}: ${msg}`);
}

/** Calls report(i, n) at most every 2 s, and at the end. */
export function stepper(n: number, report: (i: number, n: number) => void, everyMs = 2000): (i: number) => void {
  let last = performance.now();
  return (i) => {
    const now = performance.now();
    if (i === n || now - last >= everyMs) {
      last = now;
      report(i, n);
    }
  };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
