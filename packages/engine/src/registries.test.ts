import type { SyncFilter } from '@kcp-tmc/interfaces';
import { describe, expect, it } from 'vitest';
import { PriorityFilterRegistry } from './registries.js';

const filter = (name: string, priority: number): SyncFilter => ({ name, priority, shouldSync: () => true });

describe('PriorityFilterRegistry', () => {
  it('keeps filters in ascending priority, equal priorities in registration order', () => {
    const registry = new PriorityFilterRegistry([filter('c', 50), filter('a', 10)]);
    registry.register(filter('b', 10));
    registry.register(filter('z', -5));
    expect(registry.filters().map((f) => f.name)).toEqual(['z', 'a', 'b', 'c']);
  });

  it('replaces a filter registered again under its name, at its new priority', () => {
    const registry = new PriorityFilterRegistry();
    registry.register(filter('a', 10));
    registry.register(filter('b', 20));
    registry.register(filter('a', 30));
    expect(registry.filters().map((f) => `${f.name}:${f.priority}`)).toEqual(['b:20', 'a:30']);
  });

  it('unregisters by name and says whether it did', () => {
    const registry = new PriorityFilterRegistry([filter('a', 1), filter('b', 2)]);
    expect(registry.unregister('a')).toBe(true);
    expect(registry.unregister('a')).toBe(false);
    expect(registry.filters().map((f) => f.name)).toEqual(['b']);
  });

  it('hands out snapshots that a later registration does not change', () => {
    const registry = new PriorityFilterRegistry([filter('a', 1)]);
    const before = registry.filters();
    registry.register(filter('b', 0));
    expect(before.map((f) => f.name)).toEqual(['a']);
    expect(Object.isFrozen(before)).toBe(true);
    expect(registry.filters().map((f) => f.name)).toEqual(['b', 'a']);
  });

  it('rejects a priority that cannot be ordered', () => {
    expect(() => new PriorityFilterRegistry([filter('nan', Number.NaN)])).toThrow(TypeError);
  });
});
