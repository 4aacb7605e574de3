import { randomUUID } from 'node:crypto';

/** RFC 3339 with second precision, the way metav1.Time serializes. */
export function timestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function newUid(): string {
  return randomUUID();
}

// names.SimpleNameGenerator: 5 characters from an alphabet without vowels and look-alike digits.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_BASE = 63 - 5;

export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return `${base.length > MAX_GENERATED_BASE ? base.slice(0, MAX_GENERATED_BASE) : base}${suffix}`;
}

/** The field manager kube-apiserver derives from a User-Agent when none is given: the part before `/`. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown';
  const prefix = userAgent.split('/')[0]!.trim();
  return prefix.slice(0, 128) || 'unknown';
}

export const KCP_CLUSTER_ANNOTATION = 'kcp.io/cluster';
