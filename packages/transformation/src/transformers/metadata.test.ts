import { describe, expect, it } from 'vitest';
import { context, deployments, upstreamDeployment } from '../../test/support/fixtures.js';
import { MetadataTransformer, SERVER_METADATA_FIELDS } from './metadata.js';

describe('MetadataTransformer', () => {
  const transformer = new MetadataTransformer();

  it('strips server-set metadata, finalizers and status on the way down, keeping the rest', () => {
    const object = upstreamDeployment();
    object.metadata.deletionTimestamp = '2024-05-02T10:00:00Z';
    object.metadata.deletionGracePeriodSeconds = 30;
    object.metadata.selfLink = '/apis/apps/v1/namespaces/test/deployments/web';
    object.metadata.generateName = 'web-';
    const out = transformer.transform(object);
    for (const field of SERVER_METADATA_FIELDS) expect(out.metadata).not.toHaveProperty(field);
    expect(out).not.toHaveProperty('status');
    expect(out.metadata.name).toBe('web');
    expect(out.metadata.labels).toEqual(upstreamDeployment().metadata.labels);
    expect(out.metadata.ownerReferences).toEqual(upstreamDeployment().metadata.ownerReferences);
    expect(out.spec).toEqual(upstreamDeployment().spec);
  });

  it('applies only on the way down (the status path needs status)', () => {
    expect(transformer.shouldTransform(upstreamDeployment(), context(deployments))).toBe(true);
    expect(transformer.shouldTransform(upstreamDeployment(), context(deployments, 'up'))).toBe(false);
  });
});
