import { startKubeSimulator } from '../simulator.js';
import { describeConformance } from './index.js';

describeConformance('simulator over HTTP', async () => {
  const sim = await startKubeSimulator({ token: 'conformance-token' });
  return {
    kubeconfig: sim.kubeconfig,
    capabilities: { compact: async () => sim.faults.compact() },
    dispose: () => sim.stop(),
  };
});

describeConformance('simulator in kcp mode over HTTP', async () => {
  const sim = await startKubeSimulator({
    token: 'conformance-token',
    kcp: { clusters: ['root:org:a', 'root:org:b'] },
  });
  return {
    kubeconfig: sim.kubeconfig,
    kcp: { clusters: ['root:org:a', 'root:org:b'] },
    capabilities: {
      kcp: true,
      syncTargets: true,
      syncerVirtualWorkspace: true,
      compact: async () => sim.faults.compact(),
    },
    dispose: () => sim.stop(),
  };
});

describeConformance('simulator over HTTPS', async () => {
  const sim = await startKubeSimulator({ token: 'conformance-token', tls: true });
  return {
    kubeconfig: sim.kubeconfig,
    capabilities: { compact: async () => sim.faults.compact() },
    dispose: () => sim.stop(),
  };
});

describeConformance('simulator in kcp mode over HTTPS', async () => {
  const sim = await startKubeSimulator({
    token: 'conformance-token',
    tls: true,
    kcp: { clusters: ['root:org:a', 'root:org:b'] },
  });
  return {
    kubeconfig: sim.kubeconfig,
    kcp: { clusters: ['root:org:a', 'root:org:b'] },
    capabilities: {
      kcp: true,
      syncTargets: true,
      syncerVirtualWorkspace: true,
      compact: async () => sim.faults.compact(),
    },
    dispose: () => sim.stop(),
  };
});
