import { describe, expect, it } from 'vitest';
import { TmcError } from '../../errors.js';
import { NAMESPACE_LOCATOR_ANNOTATION } from '../labels.js';
import {
  locatorFromAnnotations,
  locatorOf,
  NamespaceLocatorError,
  namespaceLocator,
  namespaceLocatorEquals,
  namespaceLocatorToJson,
  parseNamespaceLocator,
} from './locator.js';

// Known answers printed by a throwaway Go 1.26 program (not in the repo): json.Marshal of kcp's
// NamespaceLocator / SyncTargetLocator structs (same fields and tags) for each input.
// Columns: syncTarget cluster, name, uid, upstream cluster, namespace, Go JSON.
const LOCATOR_VECTORS: ReadonlyArray<readonly [string, string, string, string, string, string]> = [
  [
    'root:org:ws',
    'us-west1',
    'syncTargetUID',
    'root:org:ws',
    'test',
    '{"syncTarget":{"cluster":"root:org:ws","name":"us-west1","uid":"syncTargetUID"},"cluster":"root:org:ws","namespace":"test"}',
  ],
  [
    'root:org',
    'cluster-1',
    '2b0d1b4f-8a4e-4c1f-9d3a-0f6e5c4b3a21',
    'root:org:team-a',
    'default',
    '{"syncTarget":{"cluster":"root:org","name":"cluster-1","uid":"2b0d1b4f-8a4e-4c1f-9d3a-0f6e5c4b3a21"},"cluster":"root:org:team-a","namespace":"default"}',
  ],
  [
    'root',
    'a',
    'uid-1',
    'root:other',
    '',
    '{"syncTarget":{"cluster":"root","name":"a","uid":"uid-1"},"cluster":"root:other","namespace":""}',
  ],
  ['', 'plain', '', '', 'kube-app', '{"syncTarget":{"name":"plain","uid":""},"namespace":"kube-app"}'],
  [
    'root:org',
    'cluster-1',
    'u',
    'root:org:ws',
    'a<b>&c',
    '{"syncTarget":{"cluster":"root:org","name":"cluster-1","uid":"u"},"cluster":"root:org:ws","namespace":"a\\u003cb\\u003e\\u0026c"}',
  ],
  [
    'root:org',
    'na"me\\',
    'u\u2028v\u2029w',
    'root:\u00fc:\u00e9',
    'tab\there\nnl\r\u0001\u001f\u007f\b\f',
    '{"syncTarget":{"cluster":"root:org","name":"na\\"me\\\\","uid":"u\\u2028v\\u2029w"},"cluster":"root:\u00fc:\u00e9","namespace":"tab\\there\\nnl\\r\\u0001\\u001f\u007f\\b\\f"}',
  ],
  [
    'root:org',
    'emoji',
    'u',
    'root:x',
    '\u{1f600}-ns',
    '{"syncTarget":{"cluster":"root:org","name":"emoji","uid":"u"},"cluster":"root:x","namespace":"\u{1f600}-ns"}',
  ],
];

describe('namespaceLocatorToJson', () => {
  it.each(LOCATOR_VECTORS)('%j/%j/%j, %j/%j', (stCluster, name, uid, cluster, namespace, json) => {
    expect(
      namespaceLocatorToJson(namespaceLocator(cluster, { cluster: stCluster, name, uid }, namespace)),
    ).toBe(json);
  });
});

describe('namespaceLocator', () => {
  it('keeps only cluster, name and uid of a SyncTargetRef and freezes the result', () => {
    const ref = { cluster: 'root:org', name: 'c1', uid: 'u1', key: 'ignored' };
    const locator = namespaceLocator('root:org:ws', ref, 'default');
    expect(locator).toEqual({
      syncTarget: { cluster: 'root:org', name: 'c1', uid: 'u1' },
      cluster: 'root:org:ws',
      namespace: 'default',
    });
    expect(Object.isFrozen(locator)).toBe(true);
    expect(Object.isFrozen(locator.syncTarget)).toBe(true);
  });
});

describe('parseNamespaceLocator', () => {
  it.each(LOCATOR_VECTORS)('round-trips Go JSON %#', (stCluster, name, uid, cluster, namespace, json) => {
    const locator = parseNamespaceLocator(json);
    expect(locator).toEqual({ syncTarget: { cluster: stCluster, name, uid }, cluster, namespace });
    expect(namespaceLocatorToJson(locator)).toBe(json);
  });

  it('reads kcp test fixtures written by hand (spaces, key order)', () => {
    // As in kcp: pkg/syncer/upsync/upsync_process_test.go.
    const locator = parseNamespaceLocator(
      '{"syncTarget": {"cluster":"root:org:ws", "name":"us-west1", "uid":"syncTargetUID"}, "cluster":"root:org:ws","namespace":"test"}',
    );
    expect(namespaceLocatorToJson(locator)).toBe(LOCATOR_VECTORS[0]?.[5]);
  });

  it('maps the v0.6.0 syncTarget.path to syncTarget.cluster and never writes it back', () => {
    // Go output of kcp's LocatorFromAnnotations on this input, re-marshalled.
    const legacy =
      '{"syncTarget":{"path":"root:org","name":"cluster-1","uid":"u"},"cluster":"root:org:ws","namespace":"test"}';
    expect(namespaceLocatorToJson(parseNamespaceLocator(legacy))).toBe(
      '{"syncTarget":{"cluster":"root:org","name":"cluster-1","uid":"u"},"cluster":"root:org:ws","namespace":"test"}',
    );
  });

  it('prefers syncTarget.cluster over the legacy path when both are set', () => {
    const both =
      '{"syncTarget":{"cluster":"root:new","path":"root:old","name":"n","uid":"u"},"namespace":"x"}';
    expect(parseNamespaceLocator(both).syncTarget.cluster).toBe('root:new');
  });

  it('zero-fills missing or null string fields and ignores unknown ones, as Go does', () => {
    const locator = parseNamespaceLocator('{"syncTarget":{"name":"n","uid":null,"extra":1},"future":true}');
    expect(locator).toEqual({ syncTarget: { cluster: '', name: 'n', uid: '' }, cluster: '', namespace: '' });
  });

  it.each([
    ['garbage', ''],
    ['', ''],
    ['[]', ''],
    ['"text"', ''],
    ['null', ''],
    ['{}', 'syncTarget'],
    ['{"syncTarget":"root"}', 'syncTarget'],
    ['{"syncTarget":[]}', 'syncTarget'],
    ['{"syncTarget":{"uid":"u"}}', 'syncTarget.name'],
    ['{"syncTarget":{"name":""}}', 'syncTarget.name'],
    ['{"syncTarget":{"name":7}}', 'syncTarget.name'],
    ['{"syncTarget":{"name":"n","uid":1}}', 'syncTarget.uid'],
    ['{"syncTarget":{"name":"n","cluster":{}}}', 'syncTarget.cluster'],
    ['{"syncTarget":{"name":"n","path":false}}', 'syncTarget.path'],
    ['{"syncTarget":{"name":"n"},"cluster":["root"]}', 'cluster'],
    ['{"syncTarget":{"name":"n"},"namespace":3}', 'namespace'],
  ])('rejects %j naming field %j', (json, field) => {
    let error: unknown;
    try {
      parseNamespaceLocator(json);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NamespaceLocatorError);
    expect(error).toBeInstanceOf(TmcError);
    const locatorError = error as NamespaceLocatorError;
    expect(locatorError.field).toBe(field);
    expect(locatorError.type).toBe('Invalid');
    expect(locatorError.retryable).toBe(false);
    expect(locatorError.message).toContain(field === '' ? 'namespace locator:' : `"${field}"`);
  });
});

describe('namespaceLocatorEquals', () => {
  const base = namespaceLocator('root:org:ws', { cluster: 'root:org', name: 'n', uid: 'u' }, 'default');

  it('is true for equal content, whatever the object identity', () => {
    expect(namespaceLocatorEquals(base, parseNamespaceLocator(namespaceLocatorToJson(base)))).toBe(true);
  });

  it.each([
    ['cluster', namespaceLocator('root:org:other', base.syncTarget, 'default')],
    ['namespace', namespaceLocator('root:org:ws', base.syncTarget, 'kube-app')],
    [
      'syncTarget.cluster',
      namespaceLocator('root:org:ws', { ...base.syncTarget, cluster: 'root' }, 'default'),
    ],
    ['syncTarget.name', namespaceLocator('root:org:ws', { ...base.syncTarget, name: 'm' }, 'default')],
    ['syncTarget.uid', namespaceLocator('root:org:ws', { ...base.syncTarget, uid: 'v' }, 'default')],
  ])('is false when %s differs', (_field, other) => {
    expect(namespaceLocatorEquals(base, other)).toBe(false);
    expect(namespaceLocatorEquals(other, base)).toBe(false);
  });
});

describe('locatorFromAnnotations', () => {
  it('returns undefined without annotations or without the locator annotation', () => {
    expect(locatorFromAnnotations(undefined)).toBeUndefined();
    expect(locatorFromAnnotations({})).toBeUndefined();
    expect(locatorFromAnnotations({ 'kcp.io/cluster': 'root:org' })).toBeUndefined();
  });

  it('parses the annotation value', () => {
    const json = LOCATOR_VECTORS[1]?.[5] ?? '';
    expect(locatorFromAnnotations({ [NAMESPACE_LOCATOR_ANNOTATION]: json })).toEqual(
      parseNamespaceLocator(json),
    );
  });

  it('throws on an empty or invalid value, as kcp does', () => {
    expect(() => locatorFromAnnotations({ [NAMESPACE_LOCATOR_ANNOTATION]: '' })).toThrow(
      NamespaceLocatorError,
    );
    expect(() => locatorFromAnnotations({ [NAMESPACE_LOCATOR_ANNOTATION]: 'invalid json content' })).toThrow(
      /namespace locator: not valid JSON/,
    );
  });

  it('does not read the annotation from the prototype chain', () => {
    const annotations = Object.create({ [NAMESPACE_LOCATOR_ANNOTATION]: 'garbage' }) as Record<
      string,
      string
    >;
    expect(locatorFromAnnotations(annotations)).toBeUndefined();
  });
});

describe('locatorOf', () => {
  it('reads the locator of an object, undefined when it is absent or invalid', () => {
    const json = LOCATOR_VECTORS[1]?.[5] ?? '';
    const annotated = (value: string) => ({
      metadata: { annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: value } },
    });
    expect(locatorOf(annotated(json))).toEqual(parseNamespaceLocator(json));
    expect(locatorOf(annotated('invalid json content'))).toBeUndefined();
    expect(locatorOf(annotated(''))).toBeUndefined();
    expect(locatorOf({ metadata: {} })).toBeUndefined();
  });
});
