/**
 * Where a fine-tuning job's weights come from, as the forms take it (one field, `?weightsFrom=` in the
 * URL): a model's id (`md_…`) or a training job's. The API's `weightsFrom` names which one it is.
 */
export type WeightsFrom = { modelId: string } | { trainingJobId: string };

/** The request's `weightsFrom` for an id typed or carried in the URL; undefined when it is blank. */
export function weightsFrom(id: string): WeightsFrom | undefined {
  const trimmed = id.trim();
  if (!trimmed) return undefined;
  return /^md_/.test(trimmed) ? { modelId: trimmed } : { trainingJobId: trimmed };
}
