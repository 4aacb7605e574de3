import { describe, expect, it } from 'vitest';
import { getPath, parseFieldPath, removePath } from './field-path.js';

const object = () => ({
  metadata: { labels: { 'app.kubernetes.io/name': 'web', app: 'web' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 3,
    args: ['--x', '--y'],
    ports: [
      { port: 80, protocol: 'TCP', name: 'http' },
      { port: 80, protocol: 'UDP', name: 'dns' },
    ],
    template: { spec: { containers: [{ name: 'side' }, { name: 'web', image: 'nginx' }] } },
  },
});

describe('parseFieldPath', () => {
  it('parses fields, keyed list selectors, set values and indexes, with or without a leading dot', () => {
    expect(parseFieldPath('.spec.template.spec.containers[name="web"].image')).toEqual([
      { field: 'spec' },
      { field: 'template' },
      { field: 'spec' },
      { field: 'containers' },
      { keys: { name: 'web' } },
      { field: 'image' },
    ]);
    expect(parseFieldPath('spec.ports[port=80,protocol="TCP"]')).toEqual([
      { field: 'spec' },
      { field: 'ports' },
      { keys: { port: 80, protocol: 'TCP' } },
    ]);
    expect(parseFieldPath('metadata.finalizers[="a,]b"]')).toEqual([
      { field: 'metadata' },
      { field: 'finalizers' },
      { value: 'a,]b' },
    ]);
    expect(parseFieldPath('spec.args[1]')).toEqual([{ field: 'spec' }, { field: 'args' }, { index: 1 }]);
  });

  it('rejects malformed paths', () => {
    expect(() => parseFieldPath('spec..replicas')).toThrow(SyntaxError);
    expect(() => parseFieldPath('spec.ports[port=80')).toThrow(SyntaxError);
    expect(() => parseFieldPath('spec.ports[port]')).toThrow(SyntaxError);
  });
});

describe('getPath and removePath', () => {
  it('reads through maps, keyed lists, set lists and indexes', () => {
    const o = object();
    expect(getPath(o, parseFieldPath('spec.replicas'))).toBe(3);
    expect(getPath(o, parseFieldPath('spec.template.spec.containers[name="web"].image'))).toBe('nginx');
    expect(getPath(o, parseFieldPath('spec.ports[port=80,protocol="UDP"].name'))).toBe('dns');
    expect(getPath(o, parseFieldPath('metadata.finalizers[="b"]'))).toBe('b');
    expect(getPath(o, parseFieldPath('spec.args[1]'))).toBe('--y');
    expect(getPath(o, parseFieldPath('spec.args[7]'))).toBeUndefined();
    expect(getPath(o, parseFieldPath('spec.template.spec.containers[name="db"].image'))).toBeUndefined();
  });

  it('resolves keys that contain dots (label keys) by the longest match', () => {
    expect(getPath(object(), parseFieldPath('metadata.labels.app.kubernetes.io/name'))).toBe('web');
    expect(getPath(object(), parseFieldPath('metadata.labels.app'))).toBe('web');
  });

  it('removes fields and list elements, and reports missing paths', () => {
    const o = object();
    expect(removePath(o, parseFieldPath('spec.template.spec.containers[name="web"].image'))).toBe(true);
    expect(o.spec.template.spec.containers).toEqual([{ name: 'side' }, { name: 'web' }]);
    expect(removePath(o, parseFieldPath('metadata.finalizers[="a"]'))).toBe(true);
    expect(o.metadata.finalizers).toEqual(['b']);
    expect(removePath(o, parseFieldPath('spec.replicas'))).toBe(true);
    expect('replicas' in o.spec).toBe(false);
    expect(removePath(o, parseFieldPath('spec.replicas'))).toBe(false);
  });
});
