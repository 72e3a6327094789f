export { startTelemetry } from './setup.js';
export type { MetricsHandler, Telemetry } from './setup.js';
export { resolveTelemetryConfig, telemetryOptionsFromEnv } from './config.js';
export { sendJson, startHttpEndpoint } from './http.js';
export type { HealthReport, HttpEndpoint, HttpEndpointOptions, HttpRoutes, HttpTls } from './http.js';
export { createLogger, isLogger, loggerFrom, parseLogLevel } from './logger.js';
export type { LogLevel, LogWrite, Logger, LoggerOptions } from './logger.js';
export type { TelemetryConfig, TelemetryExporter, TelemetryOptions } from './config.js';
export { TelemetryConfigError } from './errors.js';
export { fieldsGetter, fieldsSetter, metadataGetter, metadataSetter, natsHeadersGetter, natsHeadersSetter } from './propagation.js';
export type { MetadataCarrier, NatsHeadersCarrier, TraceContextFields } from './propagation.js';
export {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
  withConsumerSpan,
  withProducerSpan,
  withRpcClientSpan,
} from './messaging.js';
export type { MessagingSpanInfo, RpcCarrier, RpcSpanInfo } from './messaging.js';
