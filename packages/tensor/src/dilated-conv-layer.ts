import type { LayerVariable, Tensor, Tensor4D, serialization } from '@tensorflow/tfjs';
import { tf } from './tfjs.js';
import { UnsupportedOperationError } from './errors.js';
import { dilatedConv2d, toPair, type DilatedPadding, type DilationRate } from './dilated-conv.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
type Initializer = ReturnType<typeof tf.initializers.ones>;
type Shape = (number | null)[];

/** A serialised initializer, as tfjs-layers writes it in model.json. */
export interface SerializedInitializer {
  className: string;
  config: serialization.ConfigDict;
}

/** Arguments of the `DilatedConv2D` layer. */
export interface DilatedConv2DArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Filter size, one value or [height, width]. */
  kernelSize: number | [number, number];
  /**
   * Dilation rate, one value or [height, width].
   * @default 1
   */
  dilationRate?: DilationRate;
  /**
   * Padding, as in tf.conv2d.
   * @default 'same'
   */
  padding?: DilatedPadding;
  /**
   * Whether to add a bias.
   * @default true
   */
  useBias?: boolean;
  /**
   * Kernel initializer: an instance, a tfjs identifier ('glorotUniform', 'heNormal', ...) or its serialised form.
   * @default 'glorotUniform'
   */
  kernelInitializer?: Initializer | string | SerializedInitializer;
}

function resolveInitializer(value: Initializer | string | SerializedInitializer): Initializer {
  if (value instanceof tf.serialization.Serializable) return value;
  const className = typeof value === 'string' ? value.charAt(0).toUpperCase() + value.slice(1) : value.className;
  const config = typeof value === 'string' ? {} : value.config;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    throw new UnsupportedOperationError('DilatedConv2D', `unknown kernel initializer '${className}'.`);
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config) as Initializer;
}

function serializeInitializer(initializer: Initializer): SerializedInitializer {
  return { className: initializer.getClassName(), config: initializer.getConfig() };
}

/**
 * A 2-D convolution layer with dilation whose gradient works on every backend (tfjs's own Conv2D
 * with dilationRate > 1 cannot be trained): it runs `dilatedConv2d`. Registered for
 * serialisation, so saved models load once this package is imported.
 */
export class DilatedConv2D extends tf.layers.Layer {
  /** Name under which the class is registered for (de)serialisation. */
  static readonly className = 'DilatedConv2D';

  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly dilationRate: [number, number];
  readonly padding: DilatedPadding;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  private kernel: LayerVariable | undefined;
  private bias: LayerVariable | undefined;

  constructor(args: DilatedConv2DArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new UnsupportedOperationError('DilatedConv2D', `filters must be a positive integer (got ${String(args.filters)}).`);
    }
    this.filters = args.filters;
    this.kernelSize = toPair(args.kernelSize, 'kernelSize');
    this.dilationRate = toPair(args.dilationRate ?? 1, 'dilationRate');
    this.padding = args.padding ?? 'same';
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = resolveInitializer(args.kernelInitializer ?? 'glorotUniform');
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inChannels = shape[3];
    if (typeof inChannels !== 'number') {
      throw new UnsupportedOperationError('DilatedConv2D', 'the input must be NHWC with a known channel count.');
    }
    this.kernel = this.addWeight('kernel', [...this.kernelSize, inChannels, this.filters], 'float32', this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, height, width] = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const shrink = (size: number | null | undefined, axis: 0 | 1): number | null =>
      size == null ? null : this.padding === 'same' ? size : size - (this.kernelSize[axis] - 1) * this.dilationRate[axis];
    return [batch ?? null, shrink(height, 0), shrink(width, 1), this.filters];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as Tensor4D;
      if (this.kernel === undefined) throw new UnsupportedOperationError('DilatedConv2D', 'the layer was called before it was built.');
      const y = dilatedConv2d(x, this.kernel.read() as Tensor4D, this.dilationRate, this.padding);
      return this.bias === undefined ? y : tf.add(y, this.bias.read());
    });
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      dilationRate: this.dilationRate,
      padding: this.padding,
      useBias: this.useBias,
      kernelInitializer: serializeInitializer(this.kernelInitializer) as unknown as serialization.ConfigDictValue,
    };
  }
}

tf.serialization.registerClass(DilatedConv2D);
