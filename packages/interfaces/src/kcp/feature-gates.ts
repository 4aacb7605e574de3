// The agent's feature gates, set with `--feature-gates=Name=true,...` as on the kcp syncer (which parses them
// with k8s.io/component-base `featuregate`). The list is ours and kept small; where a gate mirrors one of
// kcp's, the spec says which.

export type FeatureGateStage = 'Alpha' | 'Beta' | 'GA';

export interface FeatureGateSpec {
  readonly default: boolean;
  readonly stage: FeatureGateStage;
  readonly description: string;
}

export const FEATURE_GATE_SPECS = Object.freeze({
  TMC: {
    default: true,
    stage: 'Beta',
    description:
      'kcp TMC protocol: SyncTarget heartbeat and conditions, state labels, syncer finalizers, locator-named namespaces.',
  },
  SyncEngine: {
    default: true,
    stage: 'Beta',
    description: 'The work-queue sync engine (spec down, status and events up).',
  },
  Tunnel: {
    default: false,
    stage: 'Alpha',
    description:
      'Reverse tunnel from upstream to the downstream API. kcp: KCPSyncerTunnel, alpha since v0.8, off by default (tmc: pkg/features/tmc_features.go).',
  },
  AdvancedScheduling: {
    default: false,
    stage: 'Alpha',
    description:
      'Per-SyncTarget status annotations and spec diffs. kcp turns it on per SyncTarget with the featuregates.experimental.workload.kcp.io/advancedscheduling annotation (kcp: pkg/syncer/syncer.go).',
  },
} as const satisfies Record<string, FeatureGateSpec>);

export type FeatureGateName = keyof typeof FEATURE_GATE_SPECS;
export type FeatureGates = Readonly<Record<FeatureGateName, boolean>>;

export const FEATURE_GATE_NAMES = Object.freeze(
  Object.keys(FEATURE_GATE_SPECS).sort(),
) as readonly FeatureGateName[];

export const DEFAULT_FEATURE_GATES: FeatureGates = Object.freeze(
  Object.fromEntries(FEATURE_GATE_NAMES.map((name) => [name, FEATURE_GATE_SPECS[name].default])) as Record<
    FeatureGateName,
    boolean
  >,
);

// kcp's own gate names, accepted so kcp syncer flag values keep working.
const KCP_ALIASES: Readonly<Record<string, FeatureGateName>> = { KCPSyncerTunnel: 'Tunnel' };

export function isFeatureGateName(name: string): name is FeatureGateName {
  return Object.hasOwn(FEATURE_GATE_SPECS, name);
}

/** A malformed `--feature-gates` value; `part` is the offending `Name=value` item as given. */
export class FeatureGateError extends Error {
  override readonly name = 'FeatureGateError';
  readonly part: string;

  constructor(part: string, reason: string) {
    super(`invalid feature gate "${part}": ${reason}`);
    this.part = part;
  }
}

/**
 * Parses `Name=true,Other=false` and returns every gate, those not named keeping their default. Whitespace
 * around items, names and values is ignored, and so are empty items (`A=true,`), as component-base does.
 * Throws {@link FeatureGateError} for a missing `=`, an empty or unknown name, a value other than `true` or
 * `false`, or a gate given twice (an alias and its gate count as one).
 */
export function parseFeatureGates(
  value: string,
  defaults: FeatureGates = DEFAULT_FEATURE_GATES,
): FeatureGates {
  const gates: Record<FeatureGateName, boolean> = { ...defaults };
  const seen = new Set<FeatureGateName>();
  for (const raw of value.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) throw new FeatureGateError(part, 'missing "=" (expected Name=true|false)');
    const key = part.slice(0, eq).trim();
    const setting = part.slice(eq + 1).trim();
    if (key === '') throw new FeatureGateError(part, 'empty gate name');
    const name = isFeatureGateName(key) ? key : KCP_ALIASES[key];
    if (name === undefined) {
      throw new FeatureGateError(part, `unknown gate "${key}" (known: ${FEATURE_GATE_NAMES.join(', ')})`);
    }
    if (setting !== 'true' && setting !== 'false') {
      throw new FeatureGateError(part, `value must be "true" or "false", got "${setting}"`);
    }
    if (seen.has(name)) throw new FeatureGateError(part, `gate "${name}" is given more than once`);
    seen.add(name);
    gates[name] = setting === 'true';
  }
  return Object.freeze(gates);
}

/** `Name=value` pairs sorted by name, all gates, as component-base prints them; parses back to `gates`. */
export function formatFeatureGates(gates: FeatureGates): string {
  return FEATURE_GATE_NAMES.map((name) => `${name}=${gates[name]}`).join(',');
}
