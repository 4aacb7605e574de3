import { NAMESPACE_LOCATOR_ANNOTATION, namespaceLocator, namespaceLocatorToJson } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { syncTarget } from '../test/support/fixtures.js';
import { NamespaceLocatorIndex } from './namespace-index.js';

const locator = namespaceLocator('root:org:ws', syncTarget, 'test');
const ns = (name: string, annotation?: string) => ({
  metadata: {
    name,
    ...(annotation === undefined ? {} : { annotations: { [NAMESPACE_LOCATOR_ANNOTATION]: annotation } }),
  },
});

describe('NamespaceLocatorIndex', () => {
  it('indexes namespaces by name and by locator, and forgets them', () => {
    const index = new NamespaceLocatorIndex();
    expect(index.upsert(ns('kcp-a', namespaceLocatorToJson(locator)))).toBe(true);
    expect(index.locatorOf('kcp-a')).toEqual(locator);
    expect(index.namespaceFor(locator)).toBe('kcp-a');
    index.remove('kcp-a');
    expect(index.locatorOf('kcp-a')).toBeUndefined();
    expect(index.namespaceFor(locator)).toBeUndefined();
    expect(index.size()).toBe(0);
  });

  it('follows a namespace whose locator changes or disappears', () => {
    const index = new NamespaceLocatorIndex();
    index.upsert(ns('kcp-a', namespaceLocatorToJson(locator)));
    const other = namespaceLocator('root:org:ws', syncTarget, 'other');
    index.upsert(ns('kcp-a', namespaceLocatorToJson(other)));
    expect(index.namespaceFor(locator)).toBeUndefined();
    expect(index.namespaceFor(other)).toBe('kcp-a');
    expect(index.upsert(ns('kcp-a'))).toBe(false);
    expect(index.size()).toBe(0);
  });

  it('does not index namespaces without a name or with an unreadable locator', () => {
    const index = new NamespaceLocatorIndex();
    expect(index.upsert({ metadata: {} })).toBe(false);
    expect(index.upsert(ns('kcp-bad', 'not json'))).toBe(false);
    expect(index.size()).toBe(0);
  });
});
