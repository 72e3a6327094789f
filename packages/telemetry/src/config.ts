import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { TelemetryConfigError } from './errors.js';

/** Where spans and metrics go. */
export type TelemetryExporter = 'otlp' | 'console' | 'none';

/** Options of `startTelemetry`; the caller's main.ts maps environment variables onto them. */
export interface TelemetryOptions {
  /** `service.name` of every span and metric. */
  readonly serviceName: string;
  /** `service.version`. @default undefined */
  readonly serviceVersion?: string;
  /** Base URL of an OTLP/HTTP collector (as OTEL_EXPORTER_OTLP_ENDPOINT): `/v1/traces` and `/v1/metrics` are appended. @default undefined */
  readonly otlpEndpoint?: string;
  /** @default 'otlp' when `otlpEndpoint` is set, else 'none' */
  readonly exporter?: TelemetryExporter;
  /** Extra span processors (tests use a SimpleSpanProcessor over an InMemorySpanExporter). @default [] */
  readonly spanProcessors?: readonly SpanProcessor[];
  /** Extra metric readers (tests). @default [] */
  readonly metricReaders?: readonly MetricReader[];
  /** How often metrics are exported. @default 10000 */
  readonly metricExportIntervalMs?: number;
}

/** Resolved telemetry configuration. */
export interface TelemetryConfig {
  readonly serviceName: string;
  readonly serviceVersion: string | undefined;
  readonly exporter: TelemetryExporter;
  readonly otlpEndpoint: string | undefined;
  readonly spanProcessors: readonly SpanProcessor[];
  readonly metricReaders: readonly MetricReader[];
  readonly metricExportIntervalMs: number;
}

/** Applies defaults and validates. Throws TelemetryConfigError. */
export function resolveTelemetryConfig(options: TelemetryOptions): TelemetryConfig {
  if (!options.serviceName) throw new TelemetryConfigError('serviceName must not be empty.', 'serviceName');
  const otlpEndpoint = options.otlpEndpoint?.replace(/\/+$/, '') || undefined;
  const exporter = options.exporter ?? (otlpEndpoint ? 'otlp' : 'none');
  if (exporter === 'otlp' && !otlpEndpoint) {
    throw new TelemetryConfigError('The OTLP exporter needs an endpoint (OTEL_EXPORTER_OTLP_ENDPOINT).', 'otlpEndpoint');
  }
  const metricExportIntervalMs = options.metricExportIntervalMs ?? 10_000;
  if (!(metricExportIntervalMs > 0)) {
    throw new TelemetryConfigError(`metricExportIntervalMs must be positive, got ${metricExportIntervalMs}.`, 'metricExportIntervalMs');
  }
  return {
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion,
    exporter,
    otlpEndpoint,
    spanProcessors: options.spanProcessors ?? [],
    metricReaders: options.metricReaders ?? [],
    metricExportIntervalMs,
  };
}
