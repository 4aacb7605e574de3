import {
  type KubeObject,
  RESOURCE_TRANSFORMER,
  type ResourceTransformer,
  SYNC_FILTER,
  type SyncContext,
  type SyncFilter,
} from '@kcp-tmc/interfaces';
import type { AgentModule } from '@kcp-tmc/syncer-agent';
import { injectable } from 'tsyringe';

export const COST_CENTER_ANNOTATION = 'example.com/cost-center';
export const COST_CENTER_LABEL = 'example.com/cost-center';
export const DRAFT_ANNOTATION = 'example.com/draft';

/**
 * Copies the upstream `example.com/cost-center` annotation to a downstream label, so the physical cluster's
 * cost tooling (which reads labels) sees it. Down direction only: the label never travels back up.
 */
@injectable()
export class CostCenterTransformer implements ResourceTransformer {
  readonly name = 'example.com/cost-center';

  shouldTransform(object: KubeObject, context: SyncContext): boolean {
    return (
      context.direction === 'down' && object.metadata.annotations?.[COST_CENTER_ANNOTATION] !== undefined
    );
  }

  transform(object: KubeObject): KubeObject {
    const value = object.metadata.annotations?.[COST_CENTER_ANNOTATION] as string;
    object.metadata.labels = { ...object.metadata.labels, [COST_CENTER_LABEL]: value };
    return object;
  }
}

/** Objects marked as drafts upstream stay upstream (and a synced object turned draft is removed downstream). */
export const skipDraftsFilter: SyncFilter = {
  name: 'example.com/skip-drafts',
  priority: 500,
  shouldSync: (object) => object.metadata.annotations?.[DRAFT_ANNOTATION] !== 'true',
};

/**
 * The whole integration: one module for `createAgent({ extraModules })`. Nothing in the agent changes; the
 * transformation pipeline picks up every RESOURCE_TRANSFORMER and the filter registry every SYNC_FILTER.
 */
export const costCenterModule: AgentModule = {
  name: 'example.com/cost-center',
  register(container) {
    container.register(RESOURCE_TRANSFORMER, { useClass: CostCenterTransformer });
    container.register(SYNC_FILTER, { useValue: skipDraftsFilter });
  },
};
