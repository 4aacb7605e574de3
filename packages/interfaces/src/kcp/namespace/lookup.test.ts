import { describe, expect, it } from 'vitest';
import { isTmcError, TmcErrorType } from '../../errors.js';
import type { KubeObject } from '../../object.js';
import { namespaceLocator, namespaceLocatorToJson } from './locator.js';
import { namespaceLocatorIndexFunc, soleNamespaceFor } from './lookup.js';

const SYNC_TARGET = { cluster: 'root:c', name: 't', uid: 'u' };

function withLocator(json: string): KubeObject {
  return { metadata: { name: 'kcp-x', annotations: { 'kcp.io/namespace-locator': json } } };
}

describe('namespaceLocatorIndexFunc', () => {
  it('indexes the locator as Go writes it, independent of key order and spacing', () => {
    const a =
      '{"syncTarget":{"cluster":"root:c","name":"t","uid":"u"},"cluster":"root:org","namespace":"ns"}';
    const b =
      '{ "namespace":"ns", "cluster":"root:org", "syncTarget":{"uid":"u","name":"t","cluster":"root:c"} }';
    const [va] = namespaceLocatorIndexFunc(withLocator(a));
    const [vb] = namespaceLocatorIndexFunc(withLocator(b));
    expect(va).toBe(vb);
    // kcp: pkg/syncer/indexers/indexes.go indexes json.Marshal of the parsed locator.
    expect(va).toBe(a);
    expect(va).toBe(namespaceLocatorToJson(namespaceLocator('root:org', SYNC_TARGET, 'ns')));
  });

  it('does not index a namespace without a readable locator', () => {
    expect(namespaceLocatorIndexFunc(withLocator('{broken'))).toEqual([]);
    expect(namespaceLocatorIndexFunc(withLocator('{"namespace":"ns"}'))).toEqual([]);
    expect(namespaceLocatorIndexFunc({ metadata: { name: 'plain' } })).toEqual([]);
  });
});

describe('soleNamespaceFor', () => {
  const locator = namespaceLocator('root:org', SYNC_TARGET, 'ns');

  it('gives the one namespace carrying the locator, or none', () => {
    expect(soleNamespaceFor(['kcp-a'], locator)).toBe('kcp-a');
    expect(soleNamespaceFor([], locator)).toBeUndefined();
  });

  it("reports two as kcp's retryable namespace collision", () => {
    let thrown: unknown;
    try {
      soleNamespaceFor(['kcp-b', 'kcp-a'], locator);
    } catch (err) {
      thrown = err;
    }
    expect(isTmcError(thrown) && thrown.type === TmcErrorType.ResourceConflict && thrown.retryable).toBe(
      true,
    );
    // kcp's text (pkg/syncer/spec/spec_process.go), with the names sorted.
    expect((thrown as Error).message).toBe(
      '(namespace collision) found multiple downstream namespaces: kcp-a,kcp-b for upstream namespace root:org|ns',
    );
  });
});
