import { describe, expect, it } from 'vitest';
import { decodeObject, encodeObject, PROTOBUF_MAGIC, ProtobufDecodeError } from './envelope.js';
import { testing } from './special-types.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: '6f1c2a1e-0000-4000-8000-000000000001',
    resourceVersion: '42',
    generation: 3,
    labels: { b: '1', a: '2' },
    annotations: { note: 'x' },
    creationTimestamp: '2024-01-02T03:04:05Z',
    managedFields: [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        time: '2024-01-02T03:04:05Z',
      },
    ],
  },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx',
            resources: { limits: { cpu: '100m', memory: '64Mi' } },
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            readinessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, periodSeconds: 10 },
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
      },
    },
  },
  status: { observedGeneration: 3, replicas: 1, conditions: [{ type: 'Available', status: 'True' }] },
};

describe('protobuf envelope', () => {
  it('round-trips a Deployment: int-or-string, quantities, times, FieldsV1, pointer zero (replicas: 0)', () => {
    const bytes = encodeObject(deployment);
    expect(bytes.subarray(0, 4)).toEqual(PROTOBUF_MAGIC);
    expect(decodeObject(bytes)).toEqual(deployment);
  });

  it('round-trips Secret bytes (base64 in JSON) and a ConfigMap', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      data: { token: Buffer.from('hello\u0000world').toString('base64') },
      type: 'Opaque',
    };
    expect(decodeObject(encodeObject(secret))).toEqual(secret);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '' } };
    expect(decodeObject(encodeObject(cm))).toEqual(cm);
  });

  it('drops zero omitempty scalars as Go does, keeps zero non-omitempty ones and null zero times', () => {
    // What a Go client writes for ObjectMeta{Name: "n"}: every non-pointer field, empty creationTimestamp.
    const bytes = encodeObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n', generateName: '', generation: 0 },
      spec: {},
      status: {},
    });
    expect(decodeObject(bytes)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n' },
      spec: {},
      status: {},
    });
  });

  it('round-trips a CRD (JSONSchemaProps unions, raw JSON defaults)', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    properties: {
                      size: { type: 'integer', default: 3 },
                      tags: { type: 'array', items: { type: 'string' } },
                    },
                    additionalProperties: false,
                  },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
            },
          },
        ],
      },
    };
    expect(decodeObject(encodeObject(crd))).toEqual(crd);
  });

  it('rejects bodies without the k8s magic and kinds without a message', () => {
    expect(() => decodeObject(Buffer.from('{}'))).toThrow(ProtobufDecodeError);
    expect(() => encodeObject({ apiVersion: 'example.com/v1', kind: 'Widget' })).toThrow(ProtobufDecodeError);
  });

  it('formats Go durations and times', () => {
    expect(testing.formatDuration(90e9)).toBe('1m30s');
    expect(testing.formatDuration(3600e9 + 5e8)).toBe('1h0m0.5s');
    expect(testing.parseDuration('1h0m0.5s')).toBe(3600e9 + 5e8);
    expect(testing.parseTime('2024-01-02T03:04:05.123456+01:00')).toEqual({
      seconds: 1704161045,
      nanos: 123456000,
    });
    expect(testing.formatTime(1704164645, 7)).toBe('2024-01-02T03:04:05.000007Z');
  });
});
