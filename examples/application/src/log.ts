/**
 * Structured logs: one JSON object per line on stdout (CloudWatch agent / journald pick them up as they are).
 *
 * Node writes to a file or a pipe (journald's stdout) synchronously, one write(2) per call. Under load that is a
 * system call per request line, so the lines of one event-loop turn are joined and written together, once, when the
 * turn's callbacks are done (setImmediate), or at once past 64 KB. A line is written within the turn it was logged
 * in (it never waits for a later request), and `flush()` (called on exit) writes what is left.
 */
export type Fields = Record<string, unknown>;

const MAX_PENDING_BYTES = 64 * 1024;
let pending = '';
let scheduled = false;

/** Writes the pending lines now (synchronously for a file or pipe on Linux). */
function flush(): void {
  scheduled = false;
  if (pending === '') return;
  const lines = pending;
  pending = '';
  process.stdout.write(lines);
}

function write(level: string, msg: string, fields?: Fields): void {
  const line: Fields = { time: new Date().toISOString(), level, msg, ...fields };
  pending += JSON.stringify(line) + '\n';
  if (pending.length >= MAX_PENDING_BYTES) {
    flush();
  } else if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

// Whatever ends the process (process.exit included), the last lines are written.
process.on('exit', flush);

export const log = {
  info: (msg: string, fields?: Fields) => write('info', msg, fields),
  warn: (msg: string, fields?: Fields) => write('warn', msg, fields),
  error: (msg: string, fields?: Fields) => write('error', msg, fields),
  flush,
};

/** A short, log-safe description of an error (never a credential: messages of pg and ioredis do not carry them). */
export function describeError(err: unknown): Fields {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: err.message, ...(code !== undefined ? { code } : {}) };
  }
  return { error: String(err) };
}
