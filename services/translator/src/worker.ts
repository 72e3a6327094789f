/*
 * A training job's process (started by jobs.ts with a V8 heap cap, a wasm memory cap and a lower priority). Training
 * runs here, on its own TensorFlow.js instance, so that a job that crashes, runs out of memory or is killed ends
 * alone: the serving process only sees it exit.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { readFolderLabels, sourceLabelsOf } from '@sim2real/datasets';
import { loadImageFolder } from '@sim2real/imaging';
import { exportOnnx } from '@sim2real/onnx-export';
import { initBackend } from '@sim2real/tensor';
import { TrainingCancelledError, resolveTranslationConfig, train } from '@sim2real/translation';
import type { WorkerCommand, WorkerInput, WorkerMessage } from './worker-protocol.js';

if (!process.send) throw new Error('worker.ts runs only as a training job process started by the translator.');
const controller = new AbortController();
const post = (message: WorkerMessage): void => {
  if (process.connected) process.send?.(message);
};

/**
 * Lowers the priority of every thread of this process. On Linux a nice value belongs to a thread: setpriority() on
 * each task id covers the threads Node started already; threads started later inherit it from their creator.
 */
function lowerPriority(nice: number): void {
  try {
    const tids = process.platform === 'linux' ? readdirSync('/proc/self/task').map(Number) : [0];
    for (const tid of tids) os.setPriority(tid, nice);
  } catch (error) {
    post({ type: 'log', message: `Could not lower the training process's priority: ${error instanceof Error ? error.message : String(error)}` });
  }
}

async function loadDomain(role: 'source' | 'target', dir: string, root: string, size: number): Promise<Awaited<ReturnType<typeof loadImageFolder>>> {
  const loaded = await loadImageFolder(dir, { size, signal: controller.signal, within: root });
  const { images, skipped } = loaded;
  if (skipped.length > 0) post({ type: 'log', message: `${skipped.length} ${role} files were skipped, e.g. ${skipped[0]!.reason}` });
  if (images.count === 0) throw new Error(`The ${role} folder has no readable PNG or JPEG images.`);
  post({ type: 'log', message: `Loaded ${images.count} ${role} images at ${size} px.` });
  return loaded;
}

/** The finished version's model.onnx, so that it serves on onnxruntime-node; a failed export leaves it on tfjs. */
async function exportForServing(modelDir: string): Promise<void> {
  try {
    const { bytes } = await exportOnnx(modelDir);
    post({ type: 'log', message: `ONNX export written (${bytes} bytes).` });
  } catch (error) {
    post({ type: 'log', message: `The version serves on tfjs only, its ONNX export failed: ${error instanceof Error ? error.message : String(error)}` });
  }
}

async function run(input: WorkerInput): Promise<void> {
  let lastStep = 0;
  try {
    lowerPriority(input.nice);
    const backend = await initBackend({ backend: input.backend });
    post({ type: 'log', message: `Training on the ${backend.name} backend (${backend.package}).` });
    const config = resolveTranslationConfig(input.options);
    const source = await loadDomain('source', input.sourceDir, input.trainingRoot, config.imageSize);
    const { images: target } = await loadDomain('target', input.targetDir, input.trainingRoot, config.imageSize);
    const sourceLabels = config.labelConsistent
      ? sourceLabelsOf(await readFolderLabels(input.sourceDir, { signal: controller.signal, within: input.trainingRoot }), source.files, input.sourceDir)
      : undefined;
    const result = await train({
      source: source.images,
      target,
      sourceLabels,
      modelDir: input.modelDir,
      config,
      vggDir: input.vggDir,
      signal: controller.signal,
      onEvent: (event) => {
        lastStep = event.step;
        post({ type: 'event', event });
      },
    });
    await exportForServing(input.modelDir);
    post({ type: 'done', steps: result.steps, degraded: result.degraded });
  } catch (error) {
    if (error instanceof TrainingCancelledError) post({ type: 'cancelled', step: error.step });
    else if (controller.signal.aborted) post({ type: 'cancelled', step: lastStep });
    else post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
  // The IPC channel keeps the process alive; the server reads the outcome and then sees it exit.
  if (process.connected) process.disconnect();
}

process.on('message', (command: WorkerCommand) => {
  if (command.type === 'start') void run(command.input);
  else controller.abort(new Error('The training job was cancelled.'));
});
// The server is gone (crashed or killed): nobody can publish this job any more.
process.on('disconnect', () => {
  if (!controller.signal.aborted) controller.abort(new Error('The translator went away.'));
  setTimeout(() => process.exit(1), 30_000).unref();
});
