// Compares our wasm conv gradient kernels with what tfjs-backend-wasm 4.22 offers for them, next to the
// forward conv for scale: Conv2DBackpropFilter (im2col + XNNPACK matmul) against routing it through the
// wasm Conv3DBackpropFilterV2 kernel; Conv2DBackpropInput (matmul + col2im) against the backend's own.
// Run: npx tsx packages/tensor/bench/conv2d-gradients.ts
import '@tensorflow/tfjs-backend-wasm';
import { initBackend, tf } from '../src/index.js';

// Taken before initBackend swaps in ours.
const backendInputKernel = tf.getKernel('Conv2DBackpropInput', 'wasm');
await initBackend({ backend: 'wasm' });

function msPerCall(f: () => tf.Tensor, reps: number): number {
  tf.dispose(f());
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = f();
    r.dataSync();
    r.dispose();
  }
  return (performance.now() - start) / reps;
}

const cases: { x: [number, number, number, number]; k: number; co: number; s: number; pad: 'same' | 'valid' }[] = [
  { x: [16, 32, 32, 64], k: 3, co: 64, s: 1, pad: 'same' },
  { x: [16, 32, 32, 64], k: 3, co: 64, s: 2, pad: 'same' },
  { x: [16, 32, 32, 64], k: 3, co: 64, s: 1, pad: 'valid' },
  { x: [16, 32, 32, 64], k: 3, co: 64, s: 2, pad: 'valid' },
  { x: [16, 64, 64, 3], k: 7, co: 32, s: 1, pad: 'same' },
  { x: [1, 256, 256, 64], k: 3, co: 64, s: 1, pad: 'same' },
];
for (const c of cases) {
  const [n, h, w, ci] = c.x;
  const x = tf.randomNormal<tf.Rank.R4>(c.x);
  const filter = tf.randomNormal<tf.Rank.R4>([c.k, c.k, ci, c.co]);
  const y = tf.conv2d(x, filter, c.s, c.pad);
  const dy = tf.randomNormal<tf.Rank.R4>(y.shape);
  const [, ho, wo] = y.shape;
  const inputAttrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: x.shape };
  const row = {
    shape: `x[${c.x.join(',')}] f${c.k}x${c.k}x${ci}x${c.co} s${c.s} ${c.pad}`,
    forwardMs: msPerCall(() => tf.conv2d(x, filter, c.s, c.pad), 3),
    im2colMatmulMs: msPerCall(() => tf.engine().runKernel<tf.Tensor4D>('Conv2DBackpropFilter', { x, dy }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: filter.shape }), 3),
    conv3dRouteMs: msPerCall(
      () =>
        tf.tidy(() =>
          tf.reshape(
            tf.engine().runKernel<tf.Tensor5D>(
              'Conv3DBackpropFilterV2',
              { x: tf.reshape(x, [n, 1, h, w, ci]), dy: tf.reshape(dy, [n, 1, ho, wo, c.co]) },
              { strides: [1, c.s, c.s], pad: c.pad, filterShape: [1, c.k, c.k, ci, c.co] },
            ),
            filter.shape,
          ),
        ),
      1,
    ),
    inputGradMs: msPerCall(() => tf.engine().runKernel<tf.Tensor4D>('Conv2DBackpropInput', { dy, filter }, inputAttrs), 3),
    backendInputGradMs: msPerCall(
      () => tf.engine().makeTensorFromTensorInfo(backendInputKernel.kernelFunc({ inputs: { dy, filter }, backend: tf.backend(), attrs: inputAttrs }) as tf.TensorInfo),
      1,
    ),
  };
  console.log(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
  tf.dispose([x, filter, y, dy]);
}
