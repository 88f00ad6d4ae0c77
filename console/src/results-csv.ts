/** Classify results as a CSV file to download. */
import type { ImageResult } from '@elastic-caffe/sdk';

/** Results as CSV: image, then label and probability for each of the top labels. */
export function resultsCsv(results: ImageResult[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const width = Math.max(1, ...results.map((r) => r.top?.length ?? 0));
  const header = [
    'image',
    ...Array.from({ length: width }, (_, i) => [`label${i + 1}`, `probability${i + 1}`]).flat(),
    'error',
  ];
  const rows = results.map((r) => [
    quote(r.image),
    ...Array.from({ length: width }, (_, i) => {
      const t = r.top?.[i];
      return t ? [quote(t.label), t.probability.toFixed(6)] : ['', ''];
    }).flat(),
    quote(r.error ?? ''),
  ]);
  return `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`;
}
