import type { ConflictInput, ConflictResolution, ConflictResolver } from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';

/** What is downstream stays: the sync counts as done and the conflict is reported. */
@injectable()
export class DownstreamWinsResolver implements ConflictResolver {
  readonly name = 'downstream-wins';

  resolve(input: ConflictInput): ConflictResolution {
    return { action: 'keep-existing', reason: `downstream wins: ${input.conflict.message}` };
  }
}
