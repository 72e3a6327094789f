import type { SourceLabels } from '@sim2real/datasets';
import { tf } from '@sim2real/tensor';
import type { TranslationConfig } from './config.js';
import { taskOutputs } from './label-consistency.js';
import { buildAttention } from './networks/attention.js';
import { buildDiscriminator } from './networks/discriminator.js';
import { buildGenerator } from './networks/generator.js';
import { buildTaskNetwork } from './networks/task.js';
import { type VggWeights, buildPerceptualNetwork } from './networks/vgg.js';
import type { Networks, TaskStep } from './train-step.js';
import { type RestoredCheckpoint, restoreOptimizer } from './trainer-state.js';

/** The task network of a label-consistent run with its optimizer; each step adds its batch's labels. */
export type TaskTrainer = Omit<TaskStep, 'labels'>;

/** The networks a run trains (restored from its checkpoint, or built fresh) and, for a label-consistent run, its task network. */
export class TrainingModels {
  private constructor(
    readonly networks: Networks,
    readonly task: TaskTrainer | undefined,
  ) {}

  /**
   * The checkpoint's networks where `restored` holds them, fresh ones otherwise; the perceptual network from `vgg`
   * (none in degraded mode); a task network (with its Adam state on resume) when `labels` are given.
   */
  static async open(config: TranslationConfig, vgg: VggWeights | undefined, labels: SourceLabels | undefined, restored: RestoredCheckpoint | undefined): Promise<TrainingModels> {
    const networks: Networks = {
      g0: restored?.g0 ?? buildGenerator(config),
      attention: config.attention ? (restored?.attention ?? buildAttention(config, vgg)) : undefined,
      discriminator: restored?.discriminator ?? buildDiscriminator(config),
      perceptual: vgg ? buildPerceptualNetwork(config.perceptualLayers, vgg) : undefined,
    };
    let task: TaskTrainer | undefined;
    try {
      task = labels ? taskTrainer(config, labels, restored) : undefined;
      if (task && restored) await restoreOptimizer(task.optimizer, restored.dir, 'task');
      return new TrainingModels(networks, task);
    } catch (error) {
      new TrainingModels(networks, task).dispose();
      throw error;
    }
  }

  dispose(): void {
    this.task?.optimizer.dispose();
    const { g0, attention, discriminator, perceptual } = this.networks;
    for (const model of [g0, attention, discriminator, perceptual, this.task?.network]) model?.dispose();
  }
}

function taskTrainer(config: TranslationConfig, labels: SourceLabels, restored: RestoredCheckpoint | undefined): TaskTrainer {
  const network = restored?.task ?? buildTaskNetwork(config, taskOutputs(labels));
  const optimizer = tf.train.adam(config.taskLearningRate);
  return { network, optimizer, variables: network.trainableWeights.map((w) => w.read() as tf.Variable), kind: labels.kind };
}
