/** Tokens of this package's own parts; the shared ones live in @kcp-tmc/interfaces. */
/** {@link DownstreamOptions} */
export const DOWNSTREAM_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/downstream/DownstreamOptions');
