import {
  isTmcError,
  NAMESPACE_LOCATOR_ANNOTATION,
  namespaceLocator,
  namespaceLocatorToJson,
  TmcErrorType,
} from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { downstreamObject, engineHarness, SYNC_TARGET_REF } from '../test/support/engine-harness.js';
import { InformerNamespaceLocatorLookup } from './namespace-lookup.js';

const locator = namespaceLocator('root:org:ws', SYNC_TARGET_REF, 'default');

function namespace(name: string, annotation: string) {
  return downstreamObject('', name, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: annotation } },
  });
}

describe('InformerNamespaceLocatorLookup', () => {
  it('maps downstream namespaces to locators and back through the shared namespace informer', () => {
    const h = engineHarness();
    const lookup = new InformerNamespaceLocatorLookup(h.downstreamInformers);
    // Key order and spacing differ from Go's: the index still finds it.
    const reordered = JSON.stringify({
      namespace: 'default',
      cluster: 'root:org:ws',
      syncTarget: SYNC_TARGET_REF,
    });
    h.down('v1/namespaces').upsert(namespace('kcp-01234567abcd', reordered));
    h.down('v1/namespaces').upsert(namespace('kcp-broken', '{not json'));
    expect(lookup.locatorOf('kcp-01234567abcd')).toEqual(locator);
    expect(lookup.locatorOf('kcp-broken')).toBeUndefined();
    expect(lookup.locatorOf('missing')).toBeUndefined();
    expect(lookup.namespaceFor(locator)).toBe('kcp-01234567abcd');
    expect(lookup.namespaceFor(namespaceLocator('root:other', SYNC_TARGET_REF, 'default'))).toBeUndefined();
  });

  it('parses a cached namespace once, and again once the informer replaces it', () => {
    const h = engineHarness();
    const lookup = new InformerNamespaceLocatorLookup(h.downstreamInformers);
    h.down('v1/namespaces').upsert(namespace('kcp-01234567abcd', namespaceLocatorToJson(locator)));
    const first = lookup.locatorOf('kcp-01234567abcd');
    expect(first).toEqual(locator);
    // The same parse, not an equal one: nothing is parsed twice for an unchanged namespace.
    expect(lookup.locatorOf('kcp-01234567abcd')).toBe(first);
    const moved = namespaceLocator('root:org:other', SYNC_TARGET_REF, 'default');
    h.down('v1/namespaces').upsert(namespace('kcp-01234567abcd', namespaceLocatorToJson(moved)));
    expect(lookup.locatorOf('kcp-01234567abcd')).toEqual(moved);
    h.down('v1/namespaces').upsert(namespace('kcp-01234567abcd', '{not json'));
    expect(lookup.locatorOf('kcp-01234567abcd')).toBeUndefined();
    expect(lookup.locatorOf('kcp-01234567abcd')).toBeUndefined();
  });

  it('reports two namespaces with one locator as a retryable namespace collision', () => {
    const h = engineHarness();
    const lookup = new InformerNamespaceLocatorLookup(h.downstreamInformers);
    h.down('v1/namespaces').upsert(namespace('kcp-aaa', namespaceLocatorToJson(locator)));
    h.down('v1/namespaces').upsert(namespace('kcp-bbb', namespaceLocatorToJson(locator)));
    let thrown: unknown;
    try {
      lookup.namespaceFor(locator);
    } catch (err) {
      thrown = err;
    }
    expect(isTmcError(thrown) && thrown.type === TmcErrorType.ResourceConflict && thrown.retryable).toBe(
      true,
    );
    // kcp's text (pkg/syncer/spec/spec_process.go).
    expect(String(thrown)).toMatch(
      /\(namespace collision\) found multiple downstream namespaces: kcp-aaa,kcp-bbb/,
    );
  });
});
