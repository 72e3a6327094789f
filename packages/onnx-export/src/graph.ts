import { AttributeType, DataType, IR_VERSION, ModelProto, OPSET } from './onnx-proto.js';

/** An attribute value: numbers are INT unless wrapped by `float()`; arrays are INTS or FLOATS; strings STRING. */
export type AttributeValue = number | string | readonly number[] | FloatAttribute | FloatsAttribute | TensorAttribute;

interface FloatAttribute {
  float: number;
}
interface FloatsAttribute {
  floats: readonly number[];
}
interface TensorAttribute {
  tensor: { dims: readonly number[]; values: Float32Array };
}

/** One dimension of a graph input or output: a size, or a name for a dynamic one (the batch). */
export type Dim = number | string;

interface ValueInfo {
  name: string;
  dims: readonly Dim[];
  doc: string;
}

function attribute(name: string, value: AttributeValue): Record<string, unknown> {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(value, 'utf8') };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  const { tensor } = value as TensorAttribute;
  return { name, type: AttributeType.TENSOR, t: tensorProto('', tensor.dims, tensor.values) };
}

function tensorProto(name: string, dims: readonly number[], values: Float32Array | BigInt64Array): Record<string, unknown> {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  return { name, dims, data_type: values instanceof Float32Array ? DataType.FLOAT : DataType.INT64, raw_data: bytes };
}

function valueInfo({ name, dims, doc }: ValueInfo): Record<string, unknown> {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, doc_string: doc, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

/**
 * Collects the nodes, initialisers, inputs and outputs of one ONNX graph (float32 values only, NCHW inside) and
 * encodes it as a ModelProto. Value names are unique: `unique()` derives new ones from a base name.
 */
export class OnnxGraph {
  readonly #nodes: Record<string, unknown>[] = [];
  readonly #initializers: Record<string, unknown>[] = [];
  readonly #inputs: ValueInfo[] = [];
  readonly #outputs: ValueInfo[] = [];
  readonly #names = new Set<string>();

  /** A value name not used yet, `base` itself when free. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.#names.has(name); i++) name = `${base}_${i}`;
    this.#names.add(name);
    return name;
  }

  input(name: string, dims: readonly Dim[], doc: string): string {
    this.#inputs.push({ name: this.unique(name), dims, doc });
    return name;
  }

  output(name: string, dims: readonly Dim[], doc: string): void {
    this.#outputs.push({ name, dims, doc });
  }

  /** A float32 initialiser; returns its value name. */
  constant(base: string, dims: readonly number[], values: Float32Array): string {
    if (values.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`Initialiser ${base}: ${values.length} values for shape [${dims.join(', ')}].`);
    const name = this.unique(base);
    this.#initializers.push(tensorProto(name, dims, values));
    return name;
  }

  /** An int64 initialiser (shapes, axes); returns its value name. */
  int64s(base: string, values: readonly number[]): string {
    const name = this.unique(base);
    this.#initializers.push(tensorProto(name, [values.length], BigInt64Array.from(values.map((v) => BigInt(v)))));
    return name;
  }

  /** Adds one node; `output` is the base of its output's name (made unique), which it returns. */
  node(opType: string, inputs: readonly string[], output: string, attributes: Record<string, AttributeValue> = {}): string {
    const name = output === '' ? '' : this.unique(output);
    this.#nodes.push({
      op_type: opType,
      name,
      input: inputs,
      output: [name],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return name;
  }

  /** Names an existing value as a graph output through an Identity node. */
  identity(input: string, output: string): string {
    this.#names.add(output);
    this.#nodes.push({ op_type: 'Identity', name: output, input: [input], output: [output], attribute: [] });
    return output;
  }

  /** The ModelProto bytes. */
  encode(meta: { graphName: string; producerVersion: string; doc: string; properties: Record<string, string> }): Uint8Array {
    const model = {
      ir_version: IR_VERSION,
      producer_name: 'sim2real',
      producer_version: meta.producerVersion,
      doc_string: meta.doc,
      opset_import: [{ domain: '', version: OPSET }],
      metadata_props: Object.entries(meta.properties).map(([key, value]) => ({ key, value })),
      graph: {
        name: meta.graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs.map(valueInfo),
        output: this.#outputs.map(valueInfo),
      },
    };
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }
}

/** helpers to mark attribute types that a plain number would not say. */
export const float = (value: number): FloatAttribute => ({ float: value });
export const floats = (values: readonly number[]): FloatsAttribute => ({ floats: values });
export const tensor = (dims: readonly number[], values: Float32Array): TensorAttribute => ({ tensor: { dims, values } });
