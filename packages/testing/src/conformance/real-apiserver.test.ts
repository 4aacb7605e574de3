import { describe, it } from 'vitest';
import { resolveKubeBinaries } from '../real/binaries.js';
import { RealApiserverUnavailableError } from '../real/errors.js';
import { startRealKubeApiserver } from '../real/kube-apiserver.js';
import { describeConformance } from './index.js';

// The same suite the simulator passes, unchanged, against kube-apiserver + etcd + kube-controller-manager
// built from Go modules (tools/kube-bins). Where the two disagree, the real server is right.
const unavailable = await resolveKubeBinaries().then(
  () => undefined,
  (error: unknown) => {
    if (error instanceof RealApiserverUnavailableError) return `${error.reason}: ${error.message}`;
    throw error;
  },
);

if (unavailable === undefined) {
  describeConformance('real kube-apiserver (with kube-controller-manager)', async () => {
    const api = await startRealKubeApiserver({ controllerManager: true });
    return {
      kubeconfig: api.kubeconfig,
      capabilities: { namespaceCascade: true, garbageCollection: true },
      dispose: () => api.stop(),
    };
  });
} else {
  describe('API conformance: real kube-apiserver', () => {
    it.skip(`real kube-apiserver unavailable (${unavailable})`, () => {});
  });
}
