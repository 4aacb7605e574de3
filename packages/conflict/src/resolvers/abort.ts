import type { ConflictInput, ConflictResolution, ConflictResolver } from '@kcp-tmc/interfaces';
import { injectable } from 'tsyringe';

/** Nothing is written: the conflict is reported and the object waits for its next change. */
@injectable()
export class AbortResolver implements ConflictResolver {
  readonly name = 'abort';

  resolve(input: ConflictInput): ConflictResolution {
    return { action: 'abort', reason: input.conflict.message };
  }
}
