import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as TranslatorProto } from './generated/translator.js';
import type { ProtoGrpcType as BatchProto } from './generated/batch.js';
import type { ProtoGrpcType as ErrorDetailsProto } from './generated/error_details.js';
import type { ProtoGrpcType as StatusProto } from './generated/status.js';

/** Folder holding the `.proto` files (the repository's `proto/`). */
export const PROTO_ROOT = fileURLToPath(new URL('../../../proto', import.meta.url));

/**
 * The one set of proto-loader options, shared by the runtime loader and by
 * `proto-loader-gen-types` (see the `gen` script), so generated types match decoded objects.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

const packageDefinition = protoLoader.loadSync(
  ['sim2real/v1/translator.proto', 'sim2real/v1/batch.proto', 'google/rpc/status.proto', 'google/rpc/error_details.proto'],
  PROTO_LOADER_OPTIONS,
);

/** The loaded package definition (for reflection and custom loaders). */
export const sim2realPackageDefinition = packageDefinition;

const loaded = grpc.loadPackageDefinition(packageDefinition) as unknown as TranslatorProto & BatchProto & StatusProto & ErrorDetailsProto;

/** Typed gRPC constructors and message definitions of `sim2real.v1`. */
export const sim2realV1 = loaded.sim2real.v1;

/** Message definitions of `google.rpc` (Status, BadRequest, ResourceInfo): gRPC's rich error model. */
export const googleRpc = loaded.google.rpc;
