import {
  FEATURE_GATE_NAMES,
  FEATURE_GATE_SPECS,
  FeatureGateError,
  type FeatureGateStage,
  type FeatureGates,
} from '@kcp-tmc/interfaces';

// Gates kcp v0.11's syncer knows (pkg/features/kcp_features.go: KnownFeatures) that mean nothing to this
// agent: its own KCPLocationAPI and the generic API server's and component-base's it relists. A kcp
// Deployment may set them, so they are accepted (value checked) and otherwise ignored. KCPSyncerTunnel is
// not here: it is our Tunnel gate (an alias the interfaces parser resolves).
const KCP_GATES_WITHOUT_EFFECT = new Set([
  'KCPLocationAPI',
  'AdvancedAuditing',
  'APIResponseCompression',
  'APIListChunking',
  'DryRun',
  'ServerSideApply',
  'APIPriorityAndFairness',
  'CustomResourceValidationExpressions',
  'ContextualLogging',
]);

// component-base's featuregate: AllAlpha / AllBeta set every gate of that stage; a gate named explicitly wins.
const ALL_STAGE: Readonly<Record<string, FeatureGateStage>> = { AllAlpha: 'Alpha', AllBeta: 'Beta' };

/**
 * `--feature-gates` as kcp's syncer reads it: our gates and their kcp aliases through `parse`, kcp's other
 * gates accepted without effect, AllAlpha/AllBeta applied to our gates of that stage.
 */
export function kcpFeatureGates(
  value: string,
  parse: (value: string, defaults?: FeatureGates) => FeatureGates,
): FeatureGates {
  const ours: string[] = [];
  let defaults = parse('');
  for (const raw of value.split(',')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const stage = ALL_STAGE[key];
    if (eq >= 0 && (KCP_GATES_WITHOUT_EFFECT.has(key) || stage !== undefined)) {
      const setting = part.slice(eq + 1).trim();
      if (setting !== 'true' && setting !== 'false') {
        throw new FeatureGateError(part, `value must be "true" or "false", got "${setting}"`);
      }
      if (stage !== undefined) {
        const on = setting === 'true';
        const stageGates = FEATURE_GATE_NAMES.filter((name) => FEATURE_GATE_SPECS[name].stage === stage);
        defaults = Object.freeze({
          ...defaults,
          ...Object.fromEntries(stageGates.map((name) => [name, on])),
        }) as FeatureGates;
      }
      continue;
    }
    ours.push(part);
  }
  return parse(ours.join(','), defaults);
}
