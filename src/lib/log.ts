// One-line JSON logs on stdout, written by pino: what an operator greps and a collector parses.
// Callers see only the small Logger interface, so the library can change without touching them.
import pino from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether a line at `level` would be written: lets a hot path skip building its fields. */
  enabled?(level: Level): boolean;
}

/** Longest string a log line carries of one field: client input (a forged token, a huge value
 *  quoted back in an error) must not turn one call into a megabyte of log. */
export const MAX_LOGGED_STRING = 2_000;

/** Fields that must never reach a log, whoever passes them: replaced by pino's redaction. */
const SECRET_FIELDS = ['secret', 'apiKey', 'adminToken', 'token', 'authorization', 'password', 'embedding', 'personaEmbedding'];

/** An API key's shape (auth.ts, API_KEY_SHAPE) anywhere inside a string, e.g. quoted back in an error. */
const API_KEY_IN_TEXT = /chk_[A-Za-z0-9_-]{20,}/g;

function capped(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.includes('chk_') ? value.replace(API_KEY_IN_TEXT, 'chk_[redacted]') : value;
  return text.length > MAX_LOGGED_STRING
    ? `${text.slice(0, MAX_LOGGED_STRING)}… (${text.length - MAX_LOGGED_STRING} more characters)`
    : text;
}

/** The fields as they may be logged; the same object when nothing needed changing (the usual case). */
function safeFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (typeof value !== 'string' || (value.length <= MAX_LOGGED_STRING && !value.includes('chk_'))) continue;
    copy ??= { ...fields };
    copy[key] = capped(value);
  }
  return copy ?? fields;
}

/**
 * A logger writing at or above `level`. `write` receives each line without its newline (tests
 * capture lines so); by default lines go to stdout through pino's asynchronous writer (the call
 * does not wait for the write; what is queued is flushed on exit).
 */
export function createLogger(level: Level, write?: (line: string) => void): Logger {
  const destination = write ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : pino.destination({ dest: 1, sync: false });
  const p = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_FIELDS, censor: '[redacted]' },
    },
    destination,
  );
  const emit = (at: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(at)) return;
    const safe = safeFields(fields);
    if (safe) p[at](safe, capped(msg) as string);
    else p[at](capped(msg) as string);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), enabled: (at) => p.isLevelEnabled(at) };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, enabled: () => false };
