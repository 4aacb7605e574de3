/** Tokens of this package's own parts; the shared ones live in @kcp-tmc/interfaces. */
/** {@link DownstreamOptions} */
export const DOWNSTREAM_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/downstream/DownstreamOptions');
/** WorkspaceDnsOptions: the syncer namespace and `--dns-image`; bound by registerDownstream's `dns`. */
export const WORKSPACE_DNS_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/downstream/WorkspaceDnsOptions');
/** WorkspaceDns: kcp's per-workspace DNS; while none is bound, nothing of DNS is created or waited for. */
export const WORKSPACE_DNS: unique symbol = Symbol.for('@kcp-tmc/downstream/WorkspaceDns');
