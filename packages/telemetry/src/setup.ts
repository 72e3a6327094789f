import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { resolveTelemetryConfig, type TelemetryConfig, type TelemetryOptions } from './config.js';

/** A started telemetry SDK. */
export interface Telemetry {
  readonly config: TelemetryConfig;
  /**
   * Answers a scrape with every metric in the Prometheus text format (mount it at `/metrics`); undefined unless
   * started with `prometheus: true`.
   */
  readonly metricsHandler: MetricsHandler | undefined;
  /** Exports what is buffered now. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the exporters and unregisters the global providers (so a later start works). */
  shutdown(): Promise<void>;
}

/** An HTTP handler answering a Prometheus scrape. */
export type MetricsHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Starts tracing and metrics for a process: a NodeTracerProvider (async-hooks context) with a
 * BatchSpanProcessor, a MeterProvider with a periodic reader, and the W3C trace-context and
 * baggage propagators, all registered globally so `@opentelemetry/api` calls anywhere use them.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const config = resolveTelemetryConfig(options);
  const resource = resourceFromAttributes({
    ...config.resourceAttributes,
    [ATTR_SERVICE_NAME]: config.serviceName,
    ...(config.serviceVersion ? { [ATTR_SERVICE_VERSION]: config.serviceVersion } : {}),
  });
  const exporters = makeExporters(config);
  const spanProcessors: SpanProcessor[] = [
    ...(exporters ? [new BatchSpanProcessor(exporters.spans)] : []),
    ...config.spanProcessors,
  ];
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
  tracerProvider.register({
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  const readers: MetricReader[] = [
    ...(exporters
      ? [new PeriodicExportingMetricReader({ exporter: exporters.metrics, exportIntervalMillis: config.metricExportIntervalMs })]
      : []),
    ...config.metricReaders,
  ];
  // The exporter's own HTTP server stays off: services mount its handler on their own port.
  const prometheus = config.prometheus ? new PrometheusExporter({ preventServerStart: true }) : undefined;
  // exporter-prometheus pins its own sdk-metrics patch release; the MetricReader interface is the same.
  if (prometheus) readers.push(prometheus as unknown as MetricReader);
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);

  let shutdown: Promise<void> | undefined;
  return {
    config,
    metricsHandler: prometheus && ((request, response) => prometheus.getMetricsRequestHandler(request, response)),
    async forceFlush() {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush()]);
    },
    shutdown() {
      shutdown ??= (async () => {
        try {
          await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
        } finally {
          trace.disable();
          metrics.disable();
          propagation.disable();
          context.disable();
        }
      })();
      return shutdown;
    },
  };
}

function makeExporters(config: TelemetryConfig): { spans: SpanExporter; metrics: PushMetricExporter } | undefined {
  switch (config.exporter) {
    case 'none':
      return undefined;
    case 'console':
      return { spans: new ConsoleSpanExporter(), metrics: new ConsoleMetricExporter() };
    case 'otlp':
      return {
        // The exporter packages pin their own sdk-trace-base; the exporter interface is the same.
        spans: new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }) as unknown as SpanExporter,
        metrics: new OTLPMetricExporter({ url: `${config.otlpEndpoint}/v1/metrics` }) as unknown as PushMetricExporter,
      };
  }
}
