/** Preprocessing a request gives (a model's, or a classifier's override), as recorded. */
import type { z } from 'zod';
import type { preprocessingInput } from '../api/models';
import type { Preprocessing } from '../caffe/preprocess';

/** The request's preprocessing as recorded: channel order and scale filled in. */
export function preprocessingOf(input: z.infer<typeof preprocessingInput>): Preprocessing {
  return {
    channels: input.channels,
    height: input.height,
    width: input.width,
    channelOrder: input.channelOrder ?? (input.channels === 1 ? 'GRAY' : 'BGR'),
    ...(input.cropSize ? { cropSize: input.cropSize } : {}),
    ...(input.mean ? { mean: input.mean } : {}),
    scale: input.scale ?? 1,
  };
}
