import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterKey } from '../cluster-key.js';
import type { SyncContext } from '../contracts/extension.js';
import { isTransformSkip } from '../contracts/extension.js';
import { gvr } from '../gvr.js';
import { optOutFilter, TeamLabelTransformer } from './custom-extension.js';

const deployments = gvr('apps', 'v1', 'deployments');
const context = (cluster: string, direction: 'down' | 'up' = 'down'): SyncContext => ({
  direction,
  cluster,
  gvr: deployments,
  key: clusterKey(cluster, deployments, 'default', 'web'),
  syncTarget: { cluster: 'root:compute', name: 'west', uid: 'uid-1', key: 'k' },
});
const web = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
});

describe('README example', () => {
  it('is the code of src/examples/custom-extension.ts, importing the published package', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./custom-extension.ts', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(source.replace("from '../index.js'", "from '@kcp-tmc/interfaces'"));
  });

  it('labels downstream objects and skips clusters without a team', async () => {
    const transformer = new TeamLabelTransformer((cluster) => (cluster === 'root:team-a' ? 'a' : undefined));
    expect(transformer.shouldTransform(web(), context('root:team-a', 'up'))).toBe(false);
    const out = await transformer.transform(web(), context('root:team-a'));
    expect(isTransformSkip(out)).toBe(false);
    expect(!isTransformSkip(out) && out.metadata.labels).toEqual({ app: 'web', 'example.com/team': 'a' });
    const skipped = await transformer.transform(web(), context('root:other'));
    expect(skipped).toEqual({ skip: true, reason: 'no team owns root:other' });
  });

  it('filters opted-out objects', async () => {
    const optedOut = { ...web(), metadata: { name: 'x', annotations: { 'example.com/sync': 'false' } } };
    expect(await optOutFilter.shouldSync(web(), context('root:a'))).toBe(true);
    expect(await optOutFilter.shouldSync(optedOut, context('root:a'))).toBe(false);
  });
});
