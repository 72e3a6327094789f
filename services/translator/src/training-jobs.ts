import os from 'node:os';
import { DEFAULT_TRAINING_QUEUE } from '@sim2real/messaging';
import type { Logger } from '@sim2real/telemetry';
import type { TranslatorServerConfig } from './config.js';
import { LocalTrainingJobs } from './jobs.js';
import type { TrainingJobs } from './jobs.js';
import { NatsTrainingJobs } from './nats-jobs.js';
import type { ModelRegistry } from './registry.js';

/** The server's training jobs: with `natsUrl`, shared by every replica on that NATS; alone, in this process. */
export function createTrainingJobs(config: TranslatorServerConfig, registry: ModelRegistry, log: Logger): TrainingJobs {
  const options = {
    registry,
    maxQueuedJobs: config.maxQueuedJobs,
    maxFinishedJobs: config.maxFinishedJobs,
    trainingRoot: config.trainingRoot,
    limits: config,
    vggDir: config.vggDir,
    backend: config.backend,
    trainingNice: config.trainingNice,
    log,
  };
  if (config.natsUrl === undefined) return new LocalTrainingJobs(options);
  return new NatsTrainingJobs({
    ...options,
    servers: config.natsUrl,
    auth: config.natsAuth,
    queue: { ...DEFAULT_TRAINING_QUEUE, ackWaitMs: config.trainingAckWaitMs },
    replica: `${os.hostname()}:${process.pid}`,
  });
}
