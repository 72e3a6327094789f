// Stand-in until @sim2real/tensor exports DilatedConv2D (helper-1); generator.ts switches to that and this file goes.
import { tf } from '@sim2real/tensor';

interface Args { filters: number; kernelSize: number; dilation: number; useBias?: boolean; kernelInitializer?: unknown; name?: string }

export class DilatedConv2D extends tf.layers.Layer {
  static className = 'DilatedConv2DShim';
  private kernel: tf.LayerVariable | undefined;
  constructor(private readonly args: Args) {
    super({ name: args.name });
  }
  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as number[];
    this.kernel = this.addWeight('kernel', [this.args.kernelSize, this.args.kernelSize, shape[3]!, this.args.filters], 'float32', this.args.kernelInitializer as never);
    this.built = true;
  }
  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as number[];
    return [s[0]!, s[1]!, s[2]!, this.args.filters];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const d = this.args.dilation;
      const p = (d * (this.args.kernelSize - 1)) / 2;
      const s = tf.spaceToBatchND<tf.Tensor4D>(x, [d, d], [[p, p], [p, p]]);
      const c = tf.conv2d(s, this.kernel!.read() as tf.Tensor4D, 1, 'valid');
      return tf.batchToSpaceND(c, [d, d], [[0, 0], [0, 0]]);
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.args.filters, kernelSize: this.args.kernelSize, dilation: this.args.dilation };
  }
}
tf.serialization.registerClass(DilatedConv2D);
