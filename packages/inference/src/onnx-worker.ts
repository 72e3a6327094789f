/*
 * The ONNX engine's thread: onnxruntime-node's session.run computes on the thread that calls it, so the session
 * lives here and the main thread (gRPC, decoding) stays free while a batch runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { OnnxWorkerCommand, OnnxWorkerInput, OnnxWorkerMessage } from './onnx-protocol.js';

const port = parentPort;
if (!port) throw new Error('onnx-worker.ts runs only as a worker thread.');
const input = workerData as OnnxWorkerInput;
const post = (message: OnnxWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

function sessionOptions(provider: 'cuda' | 'cpu'): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: provider === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
    intraOpNumThreads: input.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

async function open(): Promise<{ session: ort.InferenceSession; provider: 'cuda' | 'cpu'; fallback: string | undefined }> {
  const bytes = new Uint8Array(input.model);
  if (input.cudaLibrary === undefined) {
    return { session: await ort.InferenceSession.create(bytes, sessionOptions('cpu')), provider: 'cpu', fallback: 'the CUDA execution provider is not installed' };
  }
  try {
    return { session: await ort.InferenceSession.create(bytes, sessionOptions('cuda')), provider: 'cuda', fallback: undefined };
  } catch (error) {
    const reason = `the CUDA execution provider did not start (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    return { session: await ort.InferenceSession.create(bytes, sessionOptions('cpu')), provider: 'cpu', fallback: reason };
  }
}

let session: ort.InferenceSession;
try {
  const opened = await open();
  session = opened.session;
  post({ type: 'ready', provider: opened.provider, fallback: opened.fallback, version: ort.env.versions.common, inputs: [...session.inputNames], outputs: [...session.outputNames] });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(0);
}

port.on('message', (command: OnnxWorkerCommand) => {
  if (command.type === 'close') {
    void session.release().finally(() => process.exit(0));
    return;
  }
  void run(command);
});

async function run({ id, count, image, noise }: Extract<OnnxWorkerCommand, { type: 'run' }>): Promise<void> {
  try {
    const size = Math.round(Math.sqrt(image.length / count / 3));
    const { names } = input;
    const feeds: Record<string, ort.Tensor> = { [names.image]: new ort.Tensor('float32', image, [count, size, size, 3]) };
    if (noise) feeds[names.noise] = new ort.Tensor('float32', noise, [count, noise.length / count]);
    const results = await session.run(feeds);
    const data = (name: string): Float32Array => {
      const tensor = results[name];
      if (!tensor || tensor.type !== 'float32') throw new Error(`the session returned no float32 output ${name}.`);
      return (tensor.data as Float32Array).slice();
    };
    const [output, attention, initial] = [data(names.output), data(names.attention), data(names.initial)];
    for (const tensor of Object.values(results)) tensor.dispose();
    post({ type: 'result', id, output, attention, initial }, [output.buffer as ArrayBuffer, attention.buffer as ArrayBuffer, initial.buffer as ArrayBuffer]);
  } catch (error) {
    post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
  }
}
