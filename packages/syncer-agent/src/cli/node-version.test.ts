import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from './node-version.js';

describe('nodeVersionProblem', () => {
  it('names the required and the found version when Node is too old', () => {
    expect(nodeVersionProblem('20.20.2', '>=22.19')).toBe(
      'syncer-agent needs Node.js >=22.19, found v20.20.2',
    );
    expect(nodeVersionProblem('22.18.9', '>=22.19')).toBeDefined();
    expect(nodeVersionProblem('v22.9.0', '>= 22.19.0')).toBeDefined();
  });

  it('accepts the minimum and anything newer', () => {
    for (const found of ['22.19.0', '22.20.1', '23.0.0', '24.21.0']) {
      expect(nodeVersionProblem(found, '>=22.19')).toBeUndefined();
    }
  });

  // undici 8 (under @kubernetes/client-node, loaded for exec and auth-provider users) needs
  // zlib.createZstdDecompress and declares >=22.19.0: the agent's engines range must not promise less.
  it("package.json's engines range is undici's", () => {
    const engines = (url: URL) =>
      (JSON.parse(readFileSync(url, 'utf8')) as { engines: { node: string } }).engines.node;
    const ours = engines(new URL('../../package.json', import.meta.url));
    const clientNode = createRequire(import.meta.url).resolve('@kubernetes/client-node');
    const undici = engines(pathToFileURL(createRequire(clientNode).resolve('undici/package.json')));
    const minimum = (range: string) => /(\d+(?:\.\d+)*)/.exec(range)?.[1] as string;
    expect(nodeVersionProblem(minimum(undici), ours)).toBeUndefined();
    expect(nodeVersionProblem(minimum(ours), undici)).toBeUndefined();
  });
});
