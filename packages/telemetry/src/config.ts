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
  /** Serve metrics in the Prometheus text format (OpenTelemetry's Prometheus exporter; `Telemetry.metricsHandler`). @default false */
  readonly prometheus?: boolean;
  /** Resource attributes besides service.name/service.version (as OTEL_RESOURCE_ATTRIBUTES). @default {} */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
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
  readonly prometheus: boolean;
  readonly resourceAttributes: Readonly<Record<string, string>>;
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
    prometheus: options.prometheus ?? false,
    resourceAttributes: options.resourceAttributes ?? {},
  };
}

/**
 * Telemetry options from the standard OpenTelemetry environment variables: OTEL_SERVICE_NAME (else
 * `defaultServiceName`), OTEL_RESOURCE_ATTRIBUTES (`key=value,key=value`, values percent-decoded; a
 * `service.name` there counts when OTEL_SERVICE_NAME is unset) and OTEL_EXPORTER_OTLP_ENDPOINT. Takes the
 * environment as an argument: only a main.ts passes `process.env`. Throws TelemetryConfigError on a malformed list.
 */
export function telemetryOptionsFromEnv(env: Readonly<Record<string, string | undefined>>, defaultServiceName: string): TelemetryOptions {
  const resourceAttributes: Record<string, string> = {};
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    if (at < 1 || key === '') throw new TelemetryConfigError(`OTEL_RESOURCE_ATTRIBUTES must be a list of key=value pairs, got "${pair}".`, 'resourceAttributes');
    try {
      resourceAttributes[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new TelemetryConfigError(`OTEL_RESOURCE_ATTRIBUTES has a badly percent-encoded value in "${pair}".`, 'resourceAttributes');
    }
  }
  const { 'service.name': fromAttributes, ...rest } = resourceAttributes;
  return {
    serviceName: env.OTEL_SERVICE_NAME?.trim() || fromAttributes || defaultServiceName,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    resourceAttributes: rest,
  };
}
