// Secret data must never reach a log line (Logger contract). Redaction is by key, at any depth: a Secret's
// `data`/`stringData`, tokens, passwords and kubeconfig credentials.
const SECRET_KEYS = new Set(
  [
    'data',
    'stringdata',
    'binarydata',
    'token',
    'bearertoken',
    'access-token',
    'accesstoken',
    'refreshtoken',
    'id-token',
    'password',
    'authorization',
    'client-key-data',
    'clientkeydata',
    'client-certificate-data',
    'secret',
  ].map((k) => k.toLowerCase()),
);

export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

export function isSecretKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SECRET_KEYS.has(lower) || lower.endsWith('token') || lower.endsWith('password');
}

/** A copy of `value` safe to log: secret keys redacted, errors flattened, cycles and depth cut. */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { message: value.message, name: value.name };
    const type = (value as { type?: unknown }).type;
    if (type !== undefined) out.type = type;
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && item !== undefined && item !== null ? REDACTED : redact(item, depth + 1, seen);
  }
  return out;
}
