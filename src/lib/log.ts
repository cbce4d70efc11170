// One-line JSON logs on stdout: what an operator greps and a collector parses.

export type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Longest string a log line carries of one field: client input (a forged token, a huge value
 *  quoted back in an error) must not turn one call into a megabyte of log. */
export const MAX_LOGGED_STRING = 2_000;

function capped(value: unknown): unknown {
  return typeof value === 'string' && value.length > MAX_LOGGED_STRING
    ? `${value.slice(0, MAX_LOGGED_STRING)}… (${value.length - MAX_LOGGED_STRING} more characters)`
    : value;
}

export function createLogger(level: Level, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const emit = (at: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[at] < order[level]) return;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level: at, msg: capped(msg) };
    for (const [k, v] of Object.entries(fields ?? {})) line[k] = capped(v);
    write(JSON.stringify(line));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
