export { ONNX_FILE, ONNX_NAMES, buildOnnxModel, exportOnnx } from './export.js';
export type { BuildOnnxOptions, OnnxExportResult } from './export.js';
export { DEFAULT_MAPPERS } from './layers.js';
export type { LayerMapper, LayerMapping } from './layers.js';
export { OnnxGraph } from './graph.js';
export { OnnxExportError, UnmappableLayerError } from './errors.js';
