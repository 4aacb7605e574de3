import { startKubeSimulator } from '../simulator.js';
import { describeConformance } from './index.js';
import { simulatorKcpTarget } from './simulator-kcp.js';

describeConformance('simulator over HTTP', async () => {
  const sim = await startKubeSimulator({ token: 'conformance-token' });
  return {
    kubeconfig: sim.kubeconfig,
    capabilities: { compact: async () => sim.faults.compact() },
    dispose: () => sim.stop(),
  };
});

describeConformance('simulator in kcp mode over HTTP', () => simulatorKcpTarget(false));

describeConformance('simulator over HTTPS', async () => {
  const sim = await startKubeSimulator({ token: 'conformance-token', tls: true });
  return {
    kubeconfig: sim.kubeconfig,
    capabilities: { compact: async () => sim.faults.compact() },
    dispose: () => sim.stop(),
  };
});

describeConformance('simulator in kcp mode over HTTPS', () => simulatorKcpTarget(true));
