export { PROTO_ROOT, PROTO_LOADER_OPTIONS, sim2realPackageDefinition, sim2realV1 } from './proto.js';
