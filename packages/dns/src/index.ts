// tsyringe throws at import without the Reflect metadata API: load it before any module that imports tsyringe,
// so a plain `import '@kcp-tmc/dns'` works (sideEffects in package.json names this file).
import 'reflect-metadata';

export { ConfigMapWatcher, type ConfigMapWatcherOptions } from './nsmap/configmap-watcher.js';
export { type NameRewrite, NamespaceMap } from './nsmap/namespace-map.js';
export { registerDns } from './register.js';
export { type DnsTransport, exchange } from './server/exchange.js';
export { Forwarder, type ForwarderOptions } from './server/forwarder.js';
export { type ListenAddress, type MessageHandler, NameServer } from './server/name-server.js';
export { type QueryForwarder, QueryHandler } from './server/query-handler.js';
export {
  parseUpstream,
  readResolvConf,
  resolversFromResolvConf,
  type UpstreamResolver,
} from './server/upstream.js';
export { WORKSPACE_NAMESERVER_OPTIONS } from './tokens.js';
export { WorkspaceNameServer, type WorkspaceNameServerOptions } from './workspace-nameserver.js';
