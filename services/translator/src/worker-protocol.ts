import type { BackendChoice } from '@sim2real/tensor';
import type { TrainingEvent, TranslationOptions } from '@sim2real/translation';

/** What a training worker is started with (its `workerData`). */
export interface WorkerInput {
  sourceDir: string;
  targetDir: string;
  /** Staging folder the model is trained into (renamed into the registry when done). */
  modelDir: string;
  options: TranslationOptions;
  vggDir: string | undefined;
  backend: BackendChoice;
  /** Nice value of the training thread (Linux: per thread). */
  nice: number;
}

/** Messages from the worker to the server. */
export type WorkerMessage =
  | { type: 'event'; event: TrainingEvent }
  | { type: 'log'; message: string }
  | { type: 'done'; steps: number; degraded: boolean }
  | { type: 'cancelled'; step: number }
  | { type: 'failed'; message: string };

/** Messages from the server to the worker. */
export type WorkerCommand = { type: 'cancel' };
