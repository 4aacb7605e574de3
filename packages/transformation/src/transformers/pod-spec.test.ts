import { gvr, type KubeObject } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { configmaps, context, deployments, upstreamDeployment } from '../test-support/fixtures.js';
import { PodSpecTransformer } from './pod-spec.js';

const transformer = new PodSpecTransformer();

describe('PodSpecTransformer', () => {
  it('turns token automount off, clears the service account and renames kube-root-ca.crt references', () => {
    const out = transformer.transform(upstreamDeployment(), context(deployments));
    const spec = (out.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec).not.toHaveProperty('serviceAccountName');
    expect(spec.volumes).toEqual([
      { name: 'ca', configMap: { name: 'kcp-root-ca.crt' } },
      {
        name: 'projected',
        // A Secret of that name is not the CA ConfigMap: left alone.
        projected: {
          sources: [{ configMap: { name: 'kcp-root-ca.crt' } }, { secret: { name: 'kube-root-ca.crt' } }],
        },
      },
    ]);
    expect(spec.containers).toEqual([
      {
        name: 'web',
        image: 'nginx:1.27',
        env: [
          { name: 'POD_NAMESPACE', value: 'test' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'CA', valueFrom: { configMapKeyRef: { name: 'kcp-root-ca.crt', key: 'ca.crt' } } },
        ],
        envFrom: [{ configMapRef: { name: 'kcp-root-ca.crt' } }, { configMapRef: { name: 'settings' } }],
      },
    ]);
  });

  it('finds the template of a CronJob and of init containers', () => {
    const cronJob: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'test' },
      spec: {
        schedule: '0 0 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'kube-root-ca.crt' } }] }],
                containers: [{ name: 'job' }],
              },
            },
          },
        },
      },
    };
    const cronJobs = gvr('batch', 'v1', 'cronjobs');
    expect(transformer.shouldTransform(cronJob, context(cronJobs))).toBe(true);
    const spec = (
      transformer.transform(cronJob, context(cronJobs)).spec as {
        jobTemplate: {
          spec: { template: { spec: { automountServiceAccountToken: boolean; initContainers: unknown } } };
        };
      }
    ).jobTemplate.spec.template.spec;
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.initContainers).toEqual([
      { name: 'init', envFrom: [{ configMapRef: { name: 'kcp-root-ca.crt' } }] },
    ]);
  });

  it('applies only on the way down, to kinds with a pod template, and tolerates a missing template', () => {
    expect(transformer.shouldTransform(upstreamDeployment(), context(deployments, 'up'))).toBe(false);
    expect(transformer.shouldTransform({ metadata: {} }, context(configmaps))).toBe(false);
    const empty = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 1 },
    };
    expect(transformer.transform(structuredClone(empty), context(deployments))).toEqual(empty);
  });
});
