import type { FaultOptions, FaultRule, Latency } from './faults.js';

const STATUSES = new Set([429, 500, 503]);
const RULE_KEYS = new Set(['verb', 'resource', 'status', 'rate', 'retryAfterSeconds']);
const OPTION_KEYS = new Set(['seed', 'latency', 'rules']);

/**
 * Reads fault options from JSON text (kube-sim's `--faults` and the control endpoint), naming the first
 * field that is wrong so a chaos script fails at start rather than injecting something else.
 */
export function parseFaultOptions(text: string): FaultOptions {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`faults: not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const input = record(value, 'faults');
  unknownKeys(input, OPTION_KEYS, 'faults');
  const options: FaultOptions = {};
  if (input.seed !== undefined) options.seed = integer(input.seed, 'faults.seed');
  if (input.latency !== undefined) options.latency = parseLatency(input.latency, 'faults.latency');
  if (input.rules !== undefined) {
    if (!Array.isArray(input.rules)) throw new Error('faults.rules: must be an array');
    options.rules = input.rules.map((rule, i) => parseFaultRule(rule, `faults.rules[${i}]`));
  }
  return options;
}

export function parseFaultRule(value: unknown, at = 'rule'): FaultRule {
  const input = record(value, at);
  unknownKeys(input, RULE_KEYS, at);
  const status = input.status;
  if (typeof status !== 'number' || !STATUSES.has(status))
    throw new Error(`${at}.status: must be 429, 500 or 503, got ${JSON.stringify(status)}`);
  const rate = input.rate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
    throw new Error(`${at}.rate: must be a number within [0, 1], got ${JSON.stringify(rate)}`);
  const rule: FaultRule = { status: status as FaultRule['status'], rate };
  if (input.verb !== undefined) rule.verb = text(input.verb, `${at}.verb`);
  if (input.resource !== undefined) rule.resource = text(input.resource, `${at}.resource`);
  if (input.retryAfterSeconds !== undefined) {
    const seconds = integer(input.retryAfterSeconds, `${at}.retryAfterSeconds`);
    if (seconds < 0) throw new Error(`${at}.retryAfterSeconds: must not be negative`);
    rule.retryAfterSeconds = seconds;
  }
  return rule;
}

export function parseLatency(value: unknown, at = 'latency'): Latency {
  if (typeof value === 'number') {
    if (!(value >= 0)) throw new Error(`${at}: must not be negative`);
    return value;
  }
  const input = record(value, at);
  unknownKeys(input, new Set(['min', 'max']), at);
  const { min, max } = input;
  if (typeof min !== 'number' || typeof max !== 'number' || !(min >= 0 && max >= min))
    throw new Error(`${at}: must be milliseconds or {"min": a, "max": b} with 0 <= a <= b`);
  return { min, max };
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${at}: must be an object`);
  return value as Record<string, unknown>;
}

function unknownKeys(input: Record<string, unknown>, known: Set<string>, at: string): void {
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new Error(`${at}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
}

function integer(value: unknown, at: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${at}: must be an integer`);
  return value;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${at}: must be a non-empty string`);
  return value;
}
