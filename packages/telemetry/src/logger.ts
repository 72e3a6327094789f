import { context, trace } from '@opentelemetry/api';

/** Log levels, least severe first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The one logger interface of every service: an event name and its fields, at a level. */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** Whether `value` has a Logger's methods (for config schemas that take one). */
export function isLogger(value: unknown): value is Logger {
  const methods = ['debug', 'info', 'warn', 'error', 'child'] as const;
  return typeof value === 'object' && value !== null && methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** `service` field of every line. */
  service: string;
  /** Lines below this level are dropped. @default 'info' */
  level?: LogLevel;
  /** Where lines go. @default process.stdout */
  stream?: NodeJS.WritableStream;
  /** Fields on every line. @default {} */
  fields?: Record<string, unknown>;
}

/** `LOG_LEVEL`-style text to a level; throws a one-sentence RangeError on anything else. */
export function parseLogLevel(text: string): LogLevel {
  const level = text.trim().toLowerCase() as LogLevel;
  if (!LEVELS.includes(level)) throw new RangeError(`The log level must be one of ${LEVELS.join(', ')}, got "${text}".`);
  return level;
}

/** Where a Logger's lines go: the level, the event name and the fields (a child's fields first). */
export type LogWrite = (level: LogLevel, event: string, fields: Record<string, unknown>) => void;

/** A Logger over `write`, every line carrying `fields`; for sinks other than JSON lines (tests, a terminal's view). */
export function loggerFrom(write: LogWrite, fields: Record<string, unknown> = {}): Logger {
  return {
    debug: (event, own) => write('debug', event, { ...fields, ...own }),
    info: (event, own) => write('info', event, { ...fields, ...own }),
    warn: (event, own) => write('warn', event, { ...fields, ...own }),
    error: (event, own) => write('error', event, { ...fields, ...own }),
    child: (more) => loggerFrom(write, { ...fields, ...more }),
  };
}

/**
 * A JSON-lines logger: `{time, level, service, event, ...fields, trace_id, span_id}`, the trace ids taken from the
 * active OpenTelemetry span, so a log line can be found from its trace and back. Errors in fields are written as
 * their message.
 */
export function createLogger(options: LoggerOptions): Logger {
  const minimum = LEVELS.indexOf(options.level ?? 'info');
  const stream = options.stream ?? process.stdout;
  const write: LogWrite = (level, event, fields) => {
    if (LEVELS.indexOf(level) < minimum) return;
    const span = trace.getSpan(context.active())?.spanContext();
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, service: options.service, event };
    for (const [key, value] of Object.entries(fields)) line[key] = value instanceof Error ? value.message : value;
    if (span && trace.isSpanContextValid(span)) {
      line.trace_id = span.traceId;
      line.span_id = span.spanId;
    }
    stream.write(`${JSON.stringify(line)}\n`);
  };
  return loggerFrom(write, options.fields);
}
