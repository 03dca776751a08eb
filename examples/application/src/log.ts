/** Structured logs: one JSON object per line on stdout (CloudWatch agent / journald pick them up as they are). */
export type Fields = Record<string, unknown>;

function write(level: string, msg: string, fields?: Fields): void {
  const line: Fields = { time: new Date().toISOString(), level, msg, ...fields };
  process.stdout.write(JSON.stringify(line) + '\n');
}

export const log = {
  info: (msg: string, fields?: Fields) => write('info', msg, fields),
  warn: (msg: string, fields?: Fields) => write('warn', msg, fields),
  error: (msg: string, fields?: Fields) => write('error', msg, fields),
};

/** A short, log-safe description of an error (never a credential: messages of pg and ioredis do not carry them). */
export function describeError(err: unknown): Fields {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { error: err.message, ...(code !== undefined ? { code } : {}) };
  }
  return { error: String(err) };
}
