/** {@link UpstreamOptions} of this package (optional: defaults apply without it). */
export const UPSTREAM_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/upstream/UpstreamOptions');
