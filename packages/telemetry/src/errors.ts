/** Telemetry options that cannot work (e.g. `exporter: 'otlp'` without an endpoint). */
export class TelemetryConfigError extends Error {
  override readonly name = 'TelemetryConfigError';
  constructor(
    message: string,
    /** The option at fault. */
    readonly option: string,
  ) {
    super(message);
  }
}
