import {
  type KubeObject,
  type ResourceTransformer,
  type SyncContext,
  type SyncFilter,
  skipTransform,
  type TransformOutput,
} from '../index.js';

/** Stamps every object going downstream with the team that owns its workspace. */
export class TeamLabelTransformer implements ResourceTransformer {
  readonly name = 'example.com/team-label';

  constructor(private readonly teamOfCluster: (cluster: string) => string | undefined) {}

  shouldTransform(_object: KubeObject, context: SyncContext): boolean {
    return context.direction === 'down';
  }

  transform(object: KubeObject, context: SyncContext): TransformOutput {
    const team = this.teamOfCluster(context.cluster);
    if (team === undefined) return skipTransform(`no team owns ${context.cluster}`);
    object.metadata.labels = { ...object.metadata.labels, 'example.com/team': team };
    return object;
  }
}

/** Keeps objects annotated `example.com/sync: "false"` out of the physical cluster. */
export const optOutFilter: SyncFilter = {
  name: 'example.com/opt-out',
  priority: 100,
  shouldSync: (object) => object.metadata.annotations?.['example.com/sync'] !== 'false',
};
