import type { Metadata } from '@grpc/grpc-js';
import { googleRpc } from './proto.js';

/** The trailer that carries a serialized google.rpc.Status (gRPC's rich error model). */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

const TYPE_URL_PREFIX = 'type.googleapis.com/';
const BAD_REQUEST = 'google.rpc.BadRequest';
const RESOURCE_INFO = 'google.rpc.ResourceInfo';

/** One bad field of a request: its path (e.g. `images[3]`, `source_uri`) and why. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** The resource a failed call was about (e.g. the unknown model). */
export interface ResourceInfo {
  resourceType: string;
  resourceName: string;
  description: string;
}

/** A google.rpc.Status with the details sim2real sends, decoded. */
export interface StatusDetails {
  /** The gRPC status code. */
  code: number;
  message: string;
  /** google.rpc.BadRequest field violations (empty when none were sent). */
  fieldViolations: FieldViolation[];
  resourceInfo: ResourceInfo | undefined;
}

/** Serializes a google.rpc.Status carrying BadRequest and ResourceInfo details where given. */
export function encodeStatusDetails(status: { code: number; message: string; fieldViolations?: readonly FieldViolation[]; resourceInfo?: ResourceInfo }): Buffer {
  const details = [];
  if (status.fieldViolations?.length) {
    details.push({ type_url: TYPE_URL_PREFIX + BAD_REQUEST, value: googleRpc.BadRequest.serialize({ fieldViolations: [...status.fieldViolations] }) });
  }
  if (status.resourceInfo) {
    details.push({ type_url: TYPE_URL_PREFIX + RESOURCE_INFO, value: googleRpc.ResourceInfo.serialize(status.resourceInfo) });
  }
  return googleRpc.Status.serialize({ code: status.code, message: status.message, details });
}

/** Decodes a serialized google.rpc.Status; details of types other than BadRequest and ResourceInfo are skipped. */
export function decodeStatusDetails(bytes: Uint8Array): StatusDetails {
  const status = googleRpc.Status.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const decoded: StatusDetails = { code: status.code, message: status.message, fieldViolations: [], resourceInfo: undefined };
  for (const detail of status.details) {
    const type = detail.type_url.slice(detail.type_url.lastIndexOf('/') + 1);
    if (type === BAD_REQUEST) {
      decoded.fieldViolations.push(...googleRpc.BadRequest.deserialize(detail.value).fieldViolations);
    } else if (type === RESOURCE_INFO) {
      const { resourceType, resourceName, description } = googleRpc.ResourceInfo.deserialize(detail.value);
      decoded.resourceInfo = { resourceType, resourceName, description };
    }
  }
  return decoded;
}

/** The google.rpc.Status in the trailers of a failed call (a grpc-js ServiceError's `metadata`), if the server sent one. */
export function statusDetailsOf(metadata: Metadata | undefined): StatusDetails | undefined {
  const value = metadata?.get(STATUS_DETAILS_KEY)[0];
  if (value === undefined || typeof value === 'string') return undefined;
  try {
    return decodeStatusDetails(value);
  } catch {
    return undefined;
  }
}
