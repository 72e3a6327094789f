/** A layer the exporter has no ONNX mapping for (or a configuration of it that it cannot map); nothing is written. */
export class UnmappableLayerError extends Error {
  override readonly name = 'UnmappableLayerError';
  constructor(
    /** The tfjs layer's name, e.g. `g0_res1_conv1`. */
    readonly layer: string,
    /** Its class, e.g. `Conv2D`. */
    readonly className: string,
    readonly reason: string,
  ) {
    super(`Layer ${layer} (${className}) cannot be exported to ONNX: ${reason}`);
  }
}

/** The export could not be written or recorded; `modelDir` names the version folder. */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
  constructor(
    readonly modelDir: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Exporting ${modelDir} to ONNX failed: ${reason}`, options);
  }
}
