import {
  CONFLICT_RESOLVER,
  type ConflictResolver,
  type ConflictResolverRegistry,
  type GVR,
  gvrToString,
  parseGvr,
} from '@kcp-tmc/interfaces';
import { inject, injectable } from 'tsyringe';

const ANY_VERSION = '*';

function keyOf(gvr: GVR | string): string {
  return gvrToString(typeof gvr === 'string' ? parseGvr(gvr) : gvr);
}

/**
 * The resolver per GVR, with a default for the rest. A GVR is named as a GVR or its string form
 * (`apps/v1/deployments`, `v1/configmaps`); version `*` (`apps/*\/deployments`) matches every version, an
 * exact GVR entry wins over it.
 */
@injectable()
export class GvrConflictResolverRegistry implements ConflictResolverRegistry {
  private readonly byGvr = new Map<string, ConflictResolver>();

  constructor(@inject(CONFLICT_RESOLVER) private defaultResolver: ConflictResolver) {}

  resolverFor(gvr: GVR): ConflictResolver {
    return (
      this.byGvr.get(gvrToString(gvr)) ??
      this.byGvr.get(gvrToString({ ...gvr, version: ANY_VERSION })) ??
      this.defaultResolver
    );
  }

  /** Uses `resolver` for one GVR (replacing an earlier one). */
  set(gvr: GVR | string, resolver: ConflictResolver): void {
    this.byGvr.set(keyOf(gvr), resolver);
  }

  /** Goes back to the default for one GVR. Returns whether it had its own resolver. */
  delete(gvr: GVR | string): boolean {
    return this.byGvr.delete(keyOf(gvr));
  }

  setDefault(resolver: ConflictResolver): void {
    this.defaultResolver = resolver;
  }

  getDefault(): ConflictResolver {
    return this.defaultResolver;
  }

  /** The GVRs with their own resolver, as `gvrToString` keys with the resolver name. */
  entries(): Array<[string, string]> {
    return [...this.byGvr].map(([key, resolver]) => [key, resolver.name]);
  }
}
