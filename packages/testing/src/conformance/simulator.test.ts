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
