import type { GVR, StatusExtractor } from '@kcp-tmc/interfaces';
import { DefaultStatusExtractor } from './default.js';

export { DefaultStatusExtractor } from './default.js';
export { JobStatusExtractor } from './job.js';
export {
  mergeConditions,
  NEGATIVE_CONDITION_TYPES,
  SYNCED_GENERATION_ANNOTATION,
  SYNCED_SPEC_ANNOTATION,
  statusWithUpstreamGeneration,
} from './merge-helpers.js';
export {
  mergedObservedGeneration,
  OBSERVED_SPEC_FIELD,
  recordedWorkloadStatus,
  specFingerprint,
} from './observed-generation.js';
export { ServiceStatusExtractor } from './service.js';
export { WORKLOAD_COUNT_FIELDS, WorkloadStatusExtractor } from './workloads.js';

const FALLBACK = new DefaultStatusExtractor();

/** The last registered extractor that applies (a user's, registered after the defaults, wins). */
export function extractorFor(extractors: readonly StatusExtractor[], gvr: GVR): StatusExtractor {
  for (let i = extractors.length - 1; i >= 0; i--) {
    const extractor = extractors[i] as StatusExtractor;
    if (extractor.appliesTo(gvr)) return extractor;
  }
  return FALLBACK;
}
