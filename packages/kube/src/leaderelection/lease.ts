/** coordination.k8s.io/v1 LeaseSpec, as far as leader election reads and writes it. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  [field: string]: unknown;
}

/** metav1.MicroTime's wire form: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * The spec a replica writes to hold the lease: a renewal keeps acquireTime and the transition count, a
 * take-over from another holder (or an empty one) starts a new term.
 */
export function takeOver(
  current: LeaseSpec | undefined,
  identity: string,
  leaseDurationSeconds: number,
  now: number,
): LeaseSpec {
  const time = microTime(now);
  const renewing = current?.holderIdentity === identity;
  const transitions = current?.leaseTransitions ?? 0;
  return {
    ...current,
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: renewing && current?.acquireTime ? current.acquireTime : time,
    renewTime: time,
    leaseTransitions: renewing || current === undefined ? transitions : transitions + 1,
  };
}

/**
 * When this replica last saw the lease change. Expiry is judged from that local time, not the renewTime in
 * the object, so replicas whose clocks disagree still agree on when a lease has expired.
 */
export function observedLease(
  previous: { spec: LeaseSpec; at: number } | undefined,
  spec: LeaseSpec,
  now: number,
): { spec: LeaseSpec; at: number } {
  const same =
    previous !== undefined &&
    previous.spec.holderIdentity === spec.holderIdentity &&
    previous.spec.renewTime === spec.renewTime &&
    previous.spec.leaseTransitions === spec.leaseTransitions;
  return same ? previous : { spec, at: now };
}
