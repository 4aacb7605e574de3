import {
  type ConflictInput,
  type ConflictResolution,
  type ConflictResolver,
  DOWNSTREAM_CONFIG,
  type DownstreamConfig,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';
import { ownershipGate } from './ownership-gate.js';

/**
 * The upstream object is the truth: re-apply the desired object with force (taking fields other managers hold).
 * It carries no resourceVersion: the write must win against whatever is there now.
 */
@injectable()
export class UpstreamWinsResolver implements ConflictResolver {
  readonly strategy = 'upstream-wins';
  private readonly adoptExisting: boolean;

  constructor(
    @inject(DOWNSTREAM_CONFIG, { isOptional: true }) config?: Pick<DownstreamConfig, 'adoptExisting'>,
  ) {
    this.adoptExisting = config?.adoptExisting ?? false;
  }

  resolve(input: ConflictInput): ConflictResolution {
    const gate = ownershipGate(input, this.adoptExisting);
    if (gate !== undefined) return gate;
    const metadata = { ...input.desired.metadata };
    delete metadata.resourceVersion;
    return { action: 'apply', object: { ...input.desired, metadata }, force: true };
  }
}
