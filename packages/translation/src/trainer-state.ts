import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '@sim2real/tensor';
import { loadLayersModel, loadNamedTensors, saveLayersModel, saveNamedTensors, writeFileDurable } from './layers-io.js';
import type { StageName, TranslationConfig } from './config.js';
import type { HistoryPool } from './history-pool.js';
import { type LambdaState, LambdaSchedule } from './lambda-schedule.js';
import type { Networks, StepLosses } from './train-step.js';

/** trainer/state.json: what a resumed run needs beyond the networks. */
export interface TrainerState {
  stage: StageName;
  step: number;
  lambda: LambdaState;
  stageLambdas: Partial<Record<StageName, number>>;
  finalLosses: StepLosses | undefined;
  wallTimeMs: number;
  created: string;
}

/** The state of a run before its first step. */
export function freshTrainerState(config: TranslationConfig): TrainerState {
  return {
    stage: 'g0',
    step: 0,
    lambda: new LambdaSchedule(config.lambda).snapshot(),
    stageLambdas: {},
    finalLosses: undefined,
    wallTimeMs: 0,
    created: new Date().toISOString(),
  };
}

export interface CheckpointParts {
  networks: Networks;
  /** Store the attention network (it has been trained). */
  withAttention: boolean;
  /** The task network of a label-consistent run. */
  task?: tf.LayersModel;
  optimizers: Partial<Record<OptimizerName, tf.Optimizer>> | undefined;
  pool: HistoryPool;
  state: TrainerState;
}

/** The optimizers a checkpoint stores: the current stage's G and D, and a label-consistent run's task network. */
export type OptimizerName = 'generator' | 'discriminator' | 'task';

/**
 * Fills a checkpoint folder: g0/, attention/ (once trained), discriminator/, task/ (label-consistent runs) as
 * tfjs layers models, and trainer/ with state.json, the Adam states and the history pool.
 */
export async function writeCheckpointParts(dir: string, parts: CheckpointParts): Promise<void> {
  await saveLayersModel(parts.networks.g0, join(dir, 'g0'));
  if (parts.withAttention && parts.networks.attention) await saveLayersModel(parts.networks.attention, join(dir, 'attention'));
  await saveLayersModel(parts.networks.discriminator, join(dir, 'discriminator'));
  if (parts.task) await saveLayersModel(parts.task, join(dir, 'task'));
  const trainerDir = join(dir, 'trainer');
  await mkdir(trainerDir, { recursive: true });
  await writeFileDurable(join(trainerDir, 'state.json'), JSON.stringify(parts.state));
  if (parts.optimizers) {
    for (const [name, optimizer] of Object.entries(parts.optimizers)) {
      if (!optimizer) continue;
      const weights = await optimizer.getWeights();
      await saveNamedTensors(weights, trainerDir, `optimizer-${name}`);
    }
  }
  const pool = parts.pool.serialise();
  await writeFileDurable(join(trainerDir, 'pool.bin'), new Uint8Array(pool.buffer, pool.byteOffset, pool.byteLength));
}

/** Networks and state of a checkpoint folder, for resuming. */
export interface RestoredCheckpoint {
  g0: tf.LayersModel;
  attention: tf.LayersModel | undefined;
  discriminator: tf.LayersModel;
  task: tf.LayersModel | undefined;
  state: TrainerState;
  pool: Float32Array;
  dir: string;
}

export async function readCheckpointParts(dir: string, withAttention: boolean, withTask = false): Promise<RestoredCheckpoint> {
  const state = JSON.parse(await readFile(join(dir, 'trainer', 'state.json'), 'utf8')) as TrainerState;
  const poolBytes = await readFile(join(dir, 'trainer', 'pool.bin'));
  return {
    g0: await loadLayersModel(join(dir, 'g0')),
    attention: withAttention ? await loadLayersModel(join(dir, 'attention')) : undefined,
    discriminator: await loadLayersModel(join(dir, 'discriminator')),
    task: withTask ? await loadLayersModel(join(dir, 'task')) : undefined,
    state,
    pool: new Float32Array(new Uint8Array(poolBytes).buffer),
    dir,
  };
}

/** Restores an optimizer's Adam moments written by writeCheckpointParts; false when none were stored. */
export async function restoreOptimizer(optimizer: tf.Optimizer, dir: string, name: OptimizerName): Promise<boolean> {
  const weights = await loadNamedTensors(join(dir, 'trainer'), `optimizer-${name}`);
  if (!weights) return false;
  await optimizer.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
  return true;
}
