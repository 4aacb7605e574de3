import { cloneJson, type GVR, type KubeObject, parseApiVersion } from '@kcp-tmc/interfaces';
import { getPath, setPath } from '../diff/canonical.js';
import type { RetentionRule } from './rule.js';
import { DEFAULT_RETENTION_RULES } from './rules.js';

/**
 * The retention table: rules by kind, run in registration order, extensible at run time. `preserveFields`
 * (DownstreamConfig) are kept from the live object for every kind.
 */
export class RetentionRegistry {
  private readonly rules: RetentionRule[];

  constructor(
    rules: readonly RetentionRule[] = DEFAULT_RETENTION_RULES,
    private readonly preserveFields: readonly string[] = [],
  ) {
    this.rules = [...rules];
  }

  register(rule: RetentionRule): void {
    if (this.rules.some((r) => r.name === rule.name)) {
      throw new TypeError(`a retention rule named "${rule.name}" is already registered`);
    }
    this.rules.push(rule);
  }

  unregister(name: string): boolean {
    const index = this.rules.findIndex((r) => r.name === name);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    return true;
  }

  list(): readonly RetentionRule[] {
    return [...this.rules];
  }

  /** A copy of `desired` without the values its upstream cluster allocated for itself. */
  clear(desired: KubeObject): KubeObject {
    const out = cloneJson(desired);
    const kind = desired.kind ?? '';
    const group = parseApiVersion(desired.apiVersion ?? '').group;
    for (const rule of this.rules) {
      if (rule.clear === undefined || (rule.kind !== '*' && rule.kind !== kind)) continue;
      if (rule.group !== undefined && rule.group !== group) continue;
      rule.clear(out);
    }
    return out;
  }

  /** A copy of `desired` carrying the downstream-owned fields of `live`. */
  retain(gvr: GVR, desired: KubeObject, live: KubeObject, lastApplied?: KubeObject): KubeObject {
    const out = cloneJson(desired);
    const kind = desired.kind ?? live.kind ?? '';
    const group = parseApiVersion(desired.apiVersion ?? live.apiVersion ?? '').group;
    for (const rule of this.rules) {
      if (rule.kind !== '*' && rule.kind !== kind) continue;
      if (rule.group !== undefined && rule.group !== group) continue;
      rule.retain({ gvr, desired: out, live, lastApplied });
    }
    for (const path of this.preserveFields) {
      const value = getPath(live, path);
      if (value !== undefined) setPath(out as Record<string, unknown>, path, cloneJson(value));
    }
    return out;
  }
}
