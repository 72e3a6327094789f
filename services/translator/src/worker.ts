/*
 * A training job's thread. Training runs here, on its own TensorFlow.js instance and its own core, so the main
 * thread keeps serving Translate calls while a job runs.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadImageFolder } from '@sim2real/imaging';
import { exportOnnx } from '@sim2real/onnx-export';
import { initBackend } from '@sim2real/tensor';
import { TrainingCancelledError, resolveTranslationConfig, train } from '@sim2real/translation';
import type { WorkerCommand, WorkerInput, WorkerMessage } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread.');
const input = workerData as WorkerInput;
const controller = new AbortController();
const post = (message: WorkerMessage): void => port.postMessage(message);

port.on('message', (command: WorkerCommand) => {
  if (command.type === 'cancel') controller.abort(new Error('The training job was cancelled.'));
});

async function loadDomain(role: 'source' | 'target', dir: string, size: number): Promise<Awaited<ReturnType<typeof loadImageFolder>>['images']> {
  const { images, skipped } = await loadImageFolder(dir, { size, signal: controller.signal });
  if (skipped.length > 0) post({ type: 'log', message: `${skipped.length} ${role} files were skipped, e.g. ${skipped[0]!.reason}` });
  if (images.count === 0) throw new Error(`The ${role} folder ${dir} has no readable PNG or JPEG images.`);
  post({ type: 'log', message: `Loaded ${images.count} ${role} images at ${size} px.` });
  return images;
}

/**
 * Lowers this thread's CPU priority. On Linux a nice value belongs to a thread, and setpriority() on pid 0
 * (what os.setPriority() does) changes only the calling thread: serving keeps its priority.
 */
function lowerPriority(nice: number): void {
  try {
    os.setPriority(nice);
  } catch (error) {
    post({ type: 'log', message: `Could not lower the training thread's priority: ${error instanceof Error ? error.message : String(error)}` });
  }
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

async function run(): Promise<void> {
  let lastStep = 0;
  try {
    lowerPriority(input.nice);
    const backend = await initBackend({ backend: input.backend });
    post({ type: 'log', message: `Training on the ${backend.name} backend (${backend.package}).` });
    const config = resolveTranslationConfig(input.options);
    const source = await loadDomain('source', input.sourceDir, config.imageSize);
    const target = await loadDomain('target', input.targetDir, config.imageSize);
    const result = await train({
      source,
      target,
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
}

await run();
