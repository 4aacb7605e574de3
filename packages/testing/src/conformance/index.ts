import { afterAll, beforeAll, describe } from 'vitest';
import { applyCases } from './cases/apply.js';
import { appsCases } from './cases/apps.js';
import { clientCases } from './cases/clients.js';
import { crdCases } from './cases/crds.js';
import { crudCases } from './cases/crud.js';
import { discoveryCases } from './cases/discovery.js';
import { kcpCases } from './cases/kcp.js';
import { kcpOwnSyncTargetCases } from './cases/kcp-own-synctarget.js';
import { kcpSyncerLifecycleCases } from './cases/kcp-syncer-lifecycle.js';
import { kcpSyncerVirtualWorkspaceCases } from './cases/kcp-syncer-vw.js';
import { kcpSyncTargetCases } from './cases/kcp-synctarget.js';
import { kcpUpsyncerVirtualWorkspaceCases } from './cases/kcp-upsyncer-vw.js';
import { lifecycleCases } from './cases/lifecycle.js';
import { listCases } from './cases/lists.js';
import { patchCases } from './cases/patches.js';
import { serviceCases } from './cases/services.js';
import { statusCases } from './cases/status.js';
import { watchCases } from './cases/watch.js';
import { newSuite, type Suite } from './suite.js';
import type { TargetFactory } from './target.js';

export { eventually, RawClient, type RawResponse, type WatchEvent, type WatchStream } from './client.js';
export type { Capabilities, ConformanceTarget, KcpSyncTargetTarget, TargetFactory } from './target.js';

export interface ConformanceOptions {
  /** `kcp`: only the kcp cases (a real kcp serves no plain cluster the API cases could use). Default `all`. */
  cases?: 'all' | 'kcp';
  /** Per-case timeout, for slow real servers (ms). Default vitest's. */
  caseTimeoutMs?: number;
  /** Timeout of the target's start and dispose (ms). Default vitest's hook timeout. */
  setupTimeoutMs?: number;
}

/**
 * Registers the API-conformance suite (vitest describe/it blocks) against a target: any server reachable
 * with a kubeconfig. Cases needing more than a bare kube-apiserver are skipped by capability.
 */
export function describeConformance(
  name: string,
  factory: TargetFactory,
  { cases = 'all', caseTimeoutMs, setupTimeoutMs }: ConformanceOptions = {},
): void {
  const title = `${cases === 'kcp' ? 'kcp' : 'API'} conformance: ${name}`;
  describe(title, caseTimeoutMs === undefined ? {} : { timeout: caseTimeoutMs }, () => {
    let suite: Suite | undefined;
    const s = () => {
      if (!suite) throw new Error('conformance target did not start');
      return suite;
    };
    beforeAll(async () => {
      const target = await factory();
      suite = newSuite(target);
      const res = await suite.client.post('/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: suite.ns },
      });
      if (res.status !== 201)
        throw new Error(`creating the suite namespace failed: ${res.status} ${res.text}`);
    }, setupTimeoutMs);
    afterAll(async () => {
      if (!suite) return;
      await suite.client.delete(`/api/v1/namespaces/${suite.ns}`).catch(() => undefined);
      await suite.target.dispose?.();
    }, setupTimeoutMs);
    if (cases === 'all') {
      discoveryCases(s);
      crudCases(s);
      listCases(s);
      watchCases(s);
      statusCases(s);
      appsCases(s);
      patchCases(s);
      applyCases(s);
      lifecycleCases(s);
      serviceCases(s);
      crdCases(s);
      clientCases(s);
    }
    kcpCases(s);
    kcpOwnSyncTargetCases(s);
    kcpSyncTargetCases(s);
    kcpSyncerVirtualWorkspaceCases(s);
    kcpUpsyncerVirtualWorkspaceCases(s);
    kcpSyncerLifecycleCases(s);
  });
}
