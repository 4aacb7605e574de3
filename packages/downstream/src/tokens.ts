// Tokens of this package's own parts; the shared ones live in @kcp-tmc/interfaces. registerDownstream binds a
// default to each; register your own for one token (before or after it) to replace that part.

/** {@link DownstreamOptions} */
export const DOWNSTREAM_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/downstream/DownstreamOptions');
/** WorkspaceDnsOptions: the syncer namespace and `--dns-image`; bound by registerDownstream's `dns`. */
export const WORKSPACE_DNS_OPTIONS: unique symbol = Symbol.for('@kcp-tmc/downstream/WorkspaceDnsOptions');
/** WorkspaceDns: kcp's per-workspace DNS; while none is bound, nothing of DNS is created or waited for. */
export const WORKSPACE_DNS: unique symbol = Symbol.for('@kcp-tmc/downstream/WorkspaceDns');
/** OwnedInformers: the engine's downstream informers of our objects, as the spec path reads them. */
export const OWNED_INFORMERS: unique symbol = Symbol.for('@kcp-tmc/downstream/OwnedInformers');
/** LiveReader: the live downstream object, from the informer cache when it can, from the server when it must. */
export const LIVE_READER: unique symbol = Symbol.for('@kcp-tmc/downstream/LiveReader');
/** RetentionRegistry: the downstream-owned fields kept on apply (default rules + options + preserveFields). */
export const RETENTION_REGISTRY: unique symbol = Symbol.for('@kcp-tmc/downstream/RetentionRegistry');
/** UpstreamWriter: our upstream finalizer and the conflict Events about upstream objects. */
export const UPSTREAM_WRITER: unique symbol = Symbol.for('@kcp-tmc/downstream/UpstreamWriter');
/** NamespaceEnsurer: creates and checks the downstream namespace of every object. */
export const NAMESPACE_ENSURER: unique symbol = Symbol.for('@kcp-tmc/downstream/NamespaceEnsurer');
/** NamespaceCleaner: deletes emptied downstream namespaces after `--downstream-namespace-clean-delay`. */
export const NAMESPACE_CLEANER: unique symbol = Symbol.for('@kcp-tmc/downstream/NamespaceCleaner');
/** Applier: the apply path of one object. */
export const APPLIER: unique symbol = Symbol.for('@kcp-tmc/downstream/Applier');
/** Deleter: the delete path of one object. */
export const DELETER: unique symbol = Symbol.for('@kcp-tmc/downstream/Deleter');
