import {
  DOWNSTREAM_INFORMER_FACTORY,
  DOWNSTREAM_KUBE_CLIENT,
  gvr,
  type InformerFactory,
  type KubeClient,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type KubeSimulator, startKubeSimulator } from '@kcp-tmc/testing';
import { container as rootContainer } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKube } from './register.js';

const namespaces = gvr('', 'v1', 'namespaces');
let up: KubeSimulator;
let down: KubeSimulator;

beforeAll(async () => {
  [up, down] = await Promise.all([
    startKubeSimulator({ token: 'up' }),
    startKubeSimulator({ token: 'down' }),
  ]);
});
afterAll(async () => {
  await up?.stop();
  await down?.stop();
});

describe('registerKube', () => {
  it('binds a client and an informer factory per side, each talking to its own server', async () => {
    const container = rootContainer.createChildContainer();
    const registration = registerKube(container, {
      upstream: { kubeconfig: { kubeconfig: up.kubeconfig }, transport: { qps: 50, burst: 10 } },
      downstream: { kubeconfig: { file: down.kubeconfigPath }, informers: { useClusterAnnotation: false } },
    });
    try {
      const upClient = container.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT);
      const downClient = container.resolve<KubeClient>(DOWNSTREAM_KUBE_CLIENT);
      expect(container.resolve<KubeClient>(UPSTREAM_KUBE_CLIENT)).toBe(upClient);
      expect(downClient).not.toBe(upClient);

      await upClient.create(namespaces, { metadata: { name: 'only-upstream' } });
      const downNames = (await downClient.list(namespaces)).items.map((o) => o.metadata.name);
      expect(downNames).not.toContain('only-upstream');

      const factory = container.resolve<InformerFactory>(DOWNSTREAM_INFORMER_FACTORY);
      expect(container.resolve<InformerFactory>(UPSTREAM_INFORMER_FACTORY)).not.toBe(factory);
      const informer = factory.informerFor({ gvr: namespaces });
      informer.start();
      await informer.waitForSync();
      expect(informer.list().map((o) => o.metadata.name)).toContain('default');
    } finally {
      await registration.close();
    }
  });
});
