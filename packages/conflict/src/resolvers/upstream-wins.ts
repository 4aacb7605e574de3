import type { ConflictInput, ConflictResolution, ConflictResolver } from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';

/**
 * The upstream object is the truth: re-apply the desired object with force (taking fields other managers hold).
 * It carries no resourceVersion: the write must win against whatever is there now. Ownership conflicts are
 * gated by {@link withOwnershipGate} (createResolver does it).
 */
@injectable()
export class UpstreamWinsResolver implements ConflictResolver {
  readonly name = 'upstream-wins';

  resolve(input: ConflictInput): ConflictResolution {
    const metadata = { ...input.desired.metadata };
    delete metadata.resourceVersion;
    return { action: 'apply', object: { ...input.desired, metadata }, force: true };
  }
}
