export { SyncerNamespaceCache } from './cache.js';
export { type DnsEnsurer, holdForDns } from './hold.js';
export { DNS_CONTAINER, DNS_GVRS, type DnsKind, dnsId } from './names.js';
export { DnsNamespaceMapping, type NamespaceMappingParts } from './namespace-mapping.js';
export * from './objects.js';
export {
  DNS_RECHECK_MAX_MS,
  DNS_RECHECK_MS,
  DNS_RECHECK_PERIOD_MS,
  type DnsObjectCache,
  type DnsReadiness,
  type WorkspaceDnsParts,
  WorkspaceDnsProcessor,
} from './processor.js';
export { WorkspaceDns, type WorkspaceDnsOptions } from './workspace-dns.js';
