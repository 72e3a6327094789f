import type { BackendChoice } from '@sim2real/tensor';
import type { TrainingEvent, TranslationOptions } from '@sim2real/translation';

/** What a training job's process is started with (its first IPC message). */
export interface WorkerInput {
  sourceDir: string;
  targetDir: string;
  /** Images are read only where their real path (after symlinks) lies under this folder. */
  trainingRoot: string;
  /** Staging folder the model is trained into (renamed into the registry when done). */
  modelDir: string;
  options: TranslationOptions;
  vggDir: string | undefined;
  backend: BackendChoice;
  /** Nice value of the job's process (every thread). */
  nice: number;
}

/** Messages from the job's process to the server. */
export type WorkerMessage =
  | { type: 'event'; event: TrainingEvent }
  | { type: 'log'; message: string }
  | { type: 'done'; steps: number; degraded: boolean }
  | { type: 'cancelled'; step: number }
  | { type: 'failed'; message: string };

/** Messages from the server to the job's process. */
export type WorkerCommand = { type: 'start'; input: WorkerInput } | { type: 'cancel' };
