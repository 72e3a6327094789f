import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { z } from 'zod';
import { choice, flag, integer, parseConfig, requiredText, sentence } from '@sim2real/config';
import { TelemetryConfigError } from './errors.js';

const EXPORTERS = ['otlp', 'console', 'none'] as const;
/** Where spans and metrics go. */
export type TelemetryExporter = (typeof EXPORTERS)[number];

/** A list of objects the OpenTelemetry SDK takes as they are. */
const sdkObjects = <T>(what: string) =>
  z.custom<readonly T[]>((value) => Array.isArray(value), { error: `must be a list of ${what}` }).default(() => []);

/** Options of `startTelemetry` (the caller's main.ts maps environment variables onto them), their defaults and checks. */
const telemetryConfigSchema = z
  .object({
    /** `service.name` of every span and metric. */
    serviceName: requiredText('a non-empty service name'),
    /** `service.version`. Default: none. */
    serviceVersion: z.string().optional(),
    /** Base URL of an OTLP/HTTP collector (as OTEL_EXPORTER_OTLP_ENDPOINT): `/v1/traces` and `/v1/metrics` are appended. Default: none. */
    otlpEndpoint: z
      .string()
      .optional()
      .transform((url) => url?.replace(/\/+$/, '') || undefined),
    /** Where spans and metrics go. Default: 'otlp' when `otlpEndpoint` is set, else 'none'. */
    exporter: choice(EXPORTERS).optional(),
    /** Extra span processors (tests use a SimpleSpanProcessor over an InMemorySpanExporter). */
    spanProcessors: sdkObjects<SpanProcessor>('span processors'),
    /** Extra metric readers (tests). */
    metricReaders: sdkObjects<MetricReader>('metric readers'),
    /** How often metrics are exported. */
    metricExportIntervalMs: integer(1).default(10_000),
    /** Serve metrics in the Prometheus text format (OpenTelemetry's Prometheus exporter; `Telemetry.metricsHandler`). */
    prometheus: flag().default(false),
    /** Resource attributes besides service.name/service.version (as OTEL_RESOURCE_ATTRIBUTES). */
    resourceAttributes: z.record(z.string(), z.string()).default(() => ({})),
  })
  .transform(({ exporter, ...options }) => ({ ...options, exporter: exporter ?? (options.otlpEndpoint ? 'otlp' : 'none') }))
  .superRefine((config, ctx) => {
    if (config.exporter === 'otlp' && !config.otlpEndpoint) ctx.addIssue(sentence('otlpEndpoint', 'The OTLP exporter needs an endpoint (OTEL_EXPORTER_OTLP_ENDPOINT).'));
  });

/** Options of `startTelemetry`; the caller's main.ts maps environment variables onto them. */
export type TelemetryOptions = z.input<typeof telemetryConfigSchema>;
/** Resolved telemetry configuration. */
export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;

/** Applies defaults and validates. Throws TelemetryConfigError. */
export function resolveTelemetryConfig(options: TelemetryOptions): TelemetryConfig {
  return parseConfig(telemetryConfigSchema, options, (field, message) => new TelemetryConfigError(message, field));
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
