import { train, type TrainRequest, type TrainResult } from '@sim2real/translation';
import type { Reporter } from './reporter.js';

/** Trains a translator, its steps (with stage and losses) as progress and its warnings reported. */
export async function trainTranslator(request: Omit<TrainRequest, 'onEvent'>, reporter: Reporter): Promise<TrainResult> {
  const progress = reporter.progress('train translator', request.config.steps, 'steps');
  const result = await train({
    ...request,
    onEvent: (event) => {
      if (event.kind === 'step') progress.update(event.step, { stage: event.stage, ...event.losses });
      else if (event.kind === 'warning') reporter.warn(event.message ?? '');
    },
  });
  progress.finish();
  return result;
}
