// Times our wasm conv gradient kernels against their baselines, next to the forward conv for scale:
// Conv2DBackpropFilter as one XNNPACK conv against im2col + XNNPACK matmul (the kernel before; still the one
// registered below batch 4);
// Conv2DBackpropInput as XNNPACK convs per output phase (registered) against matmul + col2im (the kernel
// before) and against tfjs-backend-wasm 4.22's own (a scalar loop nest).
// Run: npx tsx packages/tensor/bench/conv2d-gradients.ts [--threads N]
import { defineFlags, parseScriptFlags } from '@sim2real/flags';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-wasm';
import { MAX_WASM_THREADS, initBackend, tf } from '../src/index.js';
import { conv2dBackpropFilterIm2col, conv2dBackpropFilterWasm } from '../src/kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInputCol2im } from '../src/kernels/conv2d-backprop-input.js';

const { values } = parseScriptFlags({
  usage: 'npx tsx packages/tensor/bench/conv2d-gradients.ts [--threads N]',
  description: 'Milliseconds per call of the forward conv and of each gradient kernel (ours and the backends\' own) on wasm, best of 3.',
  flags: defineFlags({ threads: { kind: 'integer', help: 'wasm threads', default: 1, min: 1, max: MAX_WASM_THREADS } }),
});
// Taken before initBackend swaps in ours.
const backendInputKernel = tf.getKernel('Conv2DBackpropInput', 'wasm');
const info = await initBackend({ backend: 'wasm', threads: values.threads });
console.log(JSON.stringify({ backend: info.name, threads: info.threads }));

function msPerCall(f: () => tf.Tensor, reps: number): number {
  tf.dispose(f());
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    const r = f();
    r.dataSync();
    r.dispose();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const asTensor = (t: tf.TensorInfo): tf.Tensor => tf.engine().makeTensorFromTensorInfo(t);

const cases: { x: [number, number, number, number]; k: number; co: number; s: number; pad: 'same' | 'valid' }[] = [
  { x: [8, 32, 32, 64], k: 3, co: 64, s: 1, pad: 'same' },
  { x: [8, 64, 64, 64], k: 3, co: 128, s: 2, pad: 'same' },
  { x: [8, 32, 32, 128], k: 3, co: 256, s: 2, pad: 'same' },
  { x: [8, 16, 16, 256], k: 3, co: 256, s: 1, pad: 'same' },
  { x: [8, 64, 64, 3], k: 7, co: 64, s: 1, pad: 'same' },
  { x: [8, 64, 64, 64], k: 4, co: 128, s: 2, pad: 'same' },
  { x: [1, 256, 256, 64], k: 3, co: 64, s: 1, pad: 'same' },
];
for (const c of cases) {
  const x = tf.randomNormal<tf.Rank.R4>(c.x);
  const filter = tf.randomNormal<tf.Rank.R4>([c.k, c.k, c.x[3], c.co]);
  const y = tf.conv2d(x, filter, c.s, c.pad);
  const dy = tf.randomNormal<tf.Rank.R4>(y.shape);
  const backend = tf.backend() as BackendWasm;
  const filterAttrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: filter.shape };
  const inputAttrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: x.shape };
  const row = {
    shape: `x[${c.x.join(',')}] f${c.k}x${c.k}x${c.x[3]}x${c.co} s${c.s} ${c.pad}`,
    forwardMs: msPerCall(() => tf.conv2d(x, filter, c.s, c.pad), 3),
    filterOneConvMs: msPerCall(() => asTensor(conv2dBackpropFilterWasm({ inputs: { x, dy }, backend, attrs: filterAttrs })), 3),
    filterIm2colMs: msPerCall(() => asTensor(conv2dBackpropFilterIm2col({ inputs: { x, dy }, backend, attrs: filterAttrs })), 3),
    inputPhaseMs: msPerCall(() => tf.engine().runKernel<tf.Tensor4D>('Conv2DBackpropInput', { dy, filter }, inputAttrs), 3),
    inputCol2imMs: msPerCall(() => asTensor(conv2dBackpropInputCol2im({ inputs: { dy, filter }, backend, attrs: inputAttrs })), 3),
    inputBackendOwnMs: msPerCall(() => asTensor(backendInputKernel.kernelFunc({ inputs: { dy, filter }, backend, attrs: inputAttrs }) as tf.TensorInfo), 1),
  };
  console.log(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
  tf.dispose([x, filter, y, dy]);
}
