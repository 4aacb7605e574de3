import {
  type ApplyRequest,
  type NamespaceLocator,
  namespaceLocator,
  type SyncResult,
  type SyncTargetRef,
} from '@kcp-tmc/interfaces';
import { isDeploymentsGvr } from './names.js';
import type { DnsReadiness } from './processor.js';

/** What the spec path needs of kcp's per-workspace DNS (WorkspaceDns). */
export interface DnsEnsurer {
  ensureReady(locator: NamespaceLocator): Promise<DnsReadiness>;
}

/**
 * kcp's step between the namespace and the finalizer (pkg/syncer/spec/spec_process.go): every object ensures
 * its workspace's DNS; a Deployment waits, without failing, until the nameserver has a ready endpoint, so its
 * pods never start with a nameserver that does not answer. Undefined: go on.
 */
export async function holdForDns(
  dns: DnsEnsurer | undefined,
  request: ApplyRequest,
  syncTarget: SyncTargetRef,
): Promise<SyncResult | undefined> {
  if (dns === undefined) return undefined;
  const { key } = request.item;
  const readiness = await dns.ensureReady(namespaceLocator(key.cluster, syncTarget, key.namespace));
  if (readiness.ready || !isDeploymentsGvr(key.gvr)) return undefined;
  return {
    key,
    operation: 'noop',
    success: true,
    conflicts: [],
    reason: 'held until the workspace DNS has a ready endpoint',
    retryAfterMs: readiness.recheckAfterMs,
  };
}
