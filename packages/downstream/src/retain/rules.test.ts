import { DOWNSTREAM_CLUSTER_LABEL, type KubeObject, parseGvr } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { KARMADA_RETAIN_REPLICAS_LABEL, RETAIN_REPLICAS_ANNOTATION } from '../constants.js';
import { RetentionRegistry } from './registry.js';

const registry = new RetentionRegistry();
const obj = (apiVersion: string, kind: string, rest: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion,
  kind,
  ...rest,
  metadata: { name: 'x', namespace: 'ns', ...rest.metadata },
});
const spec = (o: KubeObject) => o.spec as Record<string, unknown>;

describe('retention rules', () => {
  it('service-allocations: clears upstream allocations, keeps downstream clusterIP(s), healthCheckNodePort and nodePorts by name+protocol+port', () => {
    const gvr = parseGvr('v1/services');
    const upstream = obj('v1', 'Service', {
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.9',
        clusterIPs: ['10.96.0.9'],
        healthCheckNodePort: 31000,
        ports: [
          { name: 'http', port: 80, nodePort: 30001 },
          { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30002 },
        ],
      },
    });
    const cleared = registry.clear(upstream);
    expect(spec(cleared).clusterIP).toBeUndefined();
    expect(spec(cleared).healthCheckNodePort).toBeUndefined();
    expect(
      (spec(cleared).ports as Array<Record<string, unknown>>).every((p) => p.nodePort === undefined),
    ).toBe(true);
    const live = obj('v1', 'Service', {
      spec: {
        type: 'LoadBalancer',
        clusterIP: '10.0.0.5',
        clusterIPs: ['10.0.0.5'],
        healthCheckNodePort: 32000,
        ports: [
          { name: 'http', port: 80, protocol: 'TCP', nodePort: 30500 },
          { name: 'dns', port: 53, protocol: 'TCP', nodePort: 30600 },
        ],
      },
    });
    const kept = spec(registry.retain(gvr, cleared, live));
    expect(kept.clusterIP).toBe('10.0.0.5');
    expect(kept.clusterIPs).toEqual(['10.0.0.5']);
    expect(kept.healthCheckNodePort).toBe(32000);
    const ports = kept.ports as Array<Record<string, unknown>>;
    expect(ports[0]?.nodePort).toBe(30500);
    // Same name and port, other protocol: not the same port.
    expect(ports[1]?.nodePort).toBeUndefined();
    // A headless service's None is a choice and stays.
    expect(spec(registry.clear(obj('v1', 'Service', { spec: { clusterIP: 'None' } }))).clusterIP).toBe(
      'None',
    );
    // Switched to ClusterIP: node ports are not kept.
    const toClusterIp = obj('v1', 'Service', {
      spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] },
    });
    const p = spec(registry.retain(gvr, toClusterIp, live)).ports as Array<Record<string, unknown>>;
    expect(p[0]?.nodePort).toBeUndefined();
  });

  it('pvc-volume-name and pv-claim-ref keep the binding', () => {
    const pvc = registry.retain(
      parseGvr('v1/persistentvolumeclaims'),
      obj('v1', 'PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'] } }),
      obj('v1', 'PersistentVolumeClaim', { spec: { volumeName: 'pv-1' } }),
    );
    expect(spec(pvc).volumeName).toBe('pv-1');
    const ref = { name: 'claim', namespace: 'ns' };
    const pv = registry.retain(
      parseGvr('v1/persistentvolumes'),
      obj('v1', 'PersistentVolume', { spec: {} }),
      obj('v1', 'PersistentVolume', { spec: { claimRef: ref } }),
    );
    expect(spec(pv).claimRef).toEqual(ref);
  });

  it('job-selector: clears the upstream generated selector and uid labels, keeps the downstream ones', () => {
    const labels = (uid: string) => ({
      app: 'j',
      'controller-uid': uid,
      'batch.kubernetes.io/controller-uid': uid,
    });
    const upstream = obj('batch/v1', 'Job', {
      spec: {
        selector: { matchLabels: { 'controller-uid': 'up' } },
        template: { metadata: { labels: labels('up') } },
      },
    });
    const cleared = registry.clear(upstream);
    expect(spec(cleared).selector).toBeUndefined();
    expect((spec(cleared).template as { metadata: { labels: object } }).metadata.labels).toEqual({
      app: 'j',
    });
    const live = obj('batch/v1', 'Job', {
      spec: {
        selector: { matchLabels: { 'controller-uid': 'down' } },
        template: { metadata: { labels: labels('down') } },
      },
    });
    const kept = spec(registry.retain(parseGvr('batch/v1/jobs'), cleared, live));
    expect(kept.selector).toEqual({ matchLabels: { 'controller-uid': 'down' } });
    expect((kept.template as { metadata: { labels: object } }).metadata.labels).toEqual(labels('down'));
    // A manual selector is the user's: never cleared.
    const manual = obj('batch/v1', 'Job', {
      spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } } },
    });
    expect(spec(registry.clear(manual)).selector).toEqual({ matchLabels: { a: 'b' } });
  });

  it('service-account-secrets merges the cluster-added secrets by name', () => {
    const out = registry.retain(
      parseGvr('v1/serviceaccounts'),
      { ...obj('v1', 'ServiceAccount'), imagePullSecrets: [{ name: 'mine' }] },
      {
        ...obj('v1', 'ServiceAccount'),
        secrets: [{ name: 'token-abc' }],
        imagePullSecrets: [{ name: 'mine' }, { name: 'dockercfg' }],
      },
    ) as KubeObject & { secrets: unknown; imagePullSecrets: unknown };
    expect(out.secrets).toEqual([{ name: 'token-abc' }]);
    expect(out.imagePullSecrets).toEqual([{ name: 'mine' }, { name: 'dockercfg' }]);
  });

  it('pod-node-name keeps the scheduled node', () => {
    const out = registry.retain(
      parseGvr('v1/pods'),
      obj('v1', 'Pod', { spec: { containers: [] } }),
      obj('v1', 'Pod', { spec: { nodeName: 'node-1', containers: [] } }),
    );
    expect(spec(out).nodeName).toBe('node-1');
  });

  it('hpa-replicas keeps downstream replicas only when the upstream object asks (annotation or Karmada label)', () => {
    const gvr = parseGvr('apps/v1/deployments');
    const live = obj('apps/v1', 'Deployment', { spec: { replicas: 7 } });
    const plain = obj('apps/v1', 'Deployment', { spec: { replicas: 2 } });
    expect(spec(registry.retain(gvr, plain, live)).replicas).toBe(2);
    const annotated = obj('apps/v1', 'Deployment', {
      metadata: { name: 'x', annotations: { [RETAIN_REPLICAS_ANNOTATION]: 'true' } },
      spec: { replicas: 2 },
    });
    expect(spec(registry.retain(gvr, annotated, live)).replicas).toBe(7);
    const labelled = obj('apps/v1', 'Deployment', {
      metadata: { name: 'x', labels: { [KARMADA_RETAIN_REPLICAS_LABEL]: 'true' } },
      spec: { replicas: 2 },
    });
    expect(spec(registry.retain(gvr, labelled, live)).replicas).toBe(7);
  });

  it("foreign-labels-annotations keeps others' keys, drops keys we wrote and no longer want, never inherits ownership", () => {
    const gvr = parseGvr('v1/configmaps');
    const desired = obj('v1', 'ConfigMap', { metadata: { name: 'x', labels: { app: 'a' } } });
    const lastApplied = obj('v1', 'ConfigMap', {
      metadata: { name: 'x', labels: { app: 'a', old: 'ours' } },
    });
    const live = obj('v1', 'ConfigMap', {
      metadata: {
        name: 'x',
        labels: { app: 'changed', old: 'ours', team: 'theirs', [DOWNSTREAM_CLUSTER_LABEL]: 'k' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
      },
    });
    const out = registry.retain(gvr, desired, live, lastApplied);
    expect(out.metadata.labels).toEqual({ app: 'a', team: 'theirs' });
    expect(out.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '3' });
  });

  it('rules are keyed by kind and group: a Service-shaped object of another kind is left alone', () => {
    const out = registry.retain(
      parseGvr('example.com/v1/services'),
      obj('example.com/v1', 'Widget', { spec: {} }),
      obj('example.com/v1', 'Widget', { spec: { clusterIP: '1.2.3.4' } }),
    );
    expect(spec(out).clusterIP).toBeUndefined();
  });

  it('register adds a rule, a duplicate name is refused', () => {
    const custom = new RetentionRegistry();
    custom.register({
      name: 'widget-status-url',
      kind: 'Widget',
      retain: ({ desired, live }) => {
        (desired.spec as Record<string, unknown>).url = (live.spec as Record<string, unknown>).url;
      },
    });
    expect(() => custom.register({ name: 'widget-status-url', kind: '*', retain: () => undefined })).toThrow(
      TypeError,
    );
    const out = custom.retain(
      parseGvr('example.com/v1/widgets'),
      obj('example.com/v1', 'Widget', { spec: {} }),
      obj('example.com/v1', 'Widget', { spec: { url: 'https://w' } }),
    );
    expect(spec(out).url).toBe('https://w');
  });
});
