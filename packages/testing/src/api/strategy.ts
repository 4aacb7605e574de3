import type { ResourceType } from './resource-type.js';
import type { FieldError } from './status.js';
import type { KubeObject } from './types.js';

/** What a strategy may need besides the object. */
export interface StrategyContext {
  cluster: string;
  /** RFC 3339 timestamp (seconds) of this request. */
  now: string;
  dryRun: boolean;
  services: ServiceAllocatorLike;
}

export interface ServiceAllocatorLike {
  allocateClusterIP(cluster: string, requested?: string): string | FieldError;
  releaseClusterIP(cluster: string, ip: string): void;
  allocateNodePort(cluster: string, requested?: number): number | FieldError;
  releaseNodePort(cluster: string, port: number): void;
}

/**
 * Per-kind behaviour, like the registry strategies of kube-apiserver: defaulting, status/spec split,
 * validation and immutability. Every hook mutates the (unfrozen) object in place.
 */
export interface Strategy {
  /** Defaults and server-set fields on create (after generic metadata handling). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** A status write (`next` is the old object with the request's status): what else it may change. */
  prepareForStatusUpdate?(next: KubeObject, body: KubeObject): void;
  /** Carries server-owned fields over from the old object on update of the main resource. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  validate?(obj: KubeObject, ctx: StrategyContext): FieldError[];
  validateUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): FieldError[];
  /** Allocation that must happen only when the write is accepted (after validation). */
  allocate?(obj: KubeObject, old: KubeObject | undefined, ctx: StrategyContext): FieldError[];
  /** Releases allocations when an object is removed. */
  release?(obj: KubeObject, ctx: StrategyContext): void;
}

export type StrategyTable = Map<string, Strategy>;

export function strategyKey(rt: ResourceType): string {
  return `${rt.group}/${rt.resource}`;
}
