import {
  DOWNSTREAM_INFORMER_FACTORY,
  DOWNSTREAM_KUBE_CLIENT,
  type InformerFactory,
  type KubeClient,
  LOGGER,
  type Logger,
  NOOP_LOGGER,
  UPSTREAM_INFORMER_FACTORY,
  UPSTREAM_KUBE_CLIENT,
} from '@kcp-tmc/interfaces';
import { type DependencyContainer, instanceCachingFactory, Lifecycle } from 'tsyringe';
import { DynamicClient } from './client/dynamic-client.js';
import {
  ClusterConnection,
  type ClusterConnectionOptions,
  type KubeConfigSource,
  loadKubeConfig,
} from './config/kubeconfig.js';
import { RestMapper, type RestMapperOptions } from './discovery/rest-mapper.js';
import { type DeniedAccessHint, DeniedAccessLog } from './http/denied-access.js';
import { Transport, type TransportOptions } from './http/transport.js';
import type { InformerConfig } from './informer/config.js';
import { SharedInformerFactory } from './informer/factory.js';
import {
  CLUSTER_CONNECTION,
  DENIED_ACCESS_LOG,
  INFORMER_CONFIG,
  KUBE_CLIENT,
  REST_MAPPER_OPTIONS,
  TRANSPORT_OPTIONS,
} from './tokens.js';

/** One side (upstream or downstream): which API server, with which credentials and limits. */
export interface KubeSideOptions {
  kubeconfig: KubeConfigSource;
  /** Another base URL with the same credentials (kcp virtual workspace), and connection pool settings. */
  connection?: ClusterConnectionOptions;
  /** qps, burst, timeout, retries. */
  transport?: TransportOptions;
  /** Which logical cluster's discovery to read, and how often a miss may refetch. */
  discovery?: RestMapperOptions;
  /** How the side's informers key objects (kcp annotation or plain-mode constant), backoff, watchdog. */
  informers?: InformerConfig;
  /** What to grant when this side's server refuses a request (default: the verb, resource and name). */
  deniedAccessHint?: DeniedAccessHint;
  /** Shares one log of refusals between registrations of the same side, so each is logged once. */
  deniedAccessLog?: DeniedAccessLog;
}

export interface RegisterKubeOptions {
  upstream: KubeSideOptions;
  downstream: KubeSideOptions;
}

/** The per-side containers, and a way to close both sides' informers and connections. */
export interface KubeRegistration {
  upstream: DependencyContainer;
  downstream: DependencyContainer;
  close(): Promise<void>;
}

/**
 * Binds UPSTREAM/DOWNSTREAM_KUBE_CLIENT and UPSTREAM/DOWNSTREAM_INFORMER_FACTORY. Each side gets a child
 * container holding its connection, transport, REST mapper, client and informer factory (one of each);
 * LOGGER and CLOCK are taken from the parent when registered there. Kubeconfigs load on first use.
 */
export function registerKube(container: DependencyContainer, options: RegisterKubeOptions): KubeRegistration {
  const connections: ClusterConnection[] = [];
  const factories: SharedInformerFactory[] = [];
  const side = (name: string, opts: KubeSideOptions): DependencyContainer => {
    const child = container.createChildContainer();
    child.register(DENIED_ACCESS_LOG, {
      useFactory: instanceCachingFactory((c) => {
        if (opts.deniedAccessLog !== undefined) return opts.deniedAccessLog;
        const logger = c.isRegistered(LOGGER, true) ? c.resolve<Logger>(LOGGER) : NOOP_LOGGER;
        return new DeniedAccessLog(name, logger, opts.deniedAccessHint);
      }),
    });
    child.register(CLUSTER_CONNECTION, {
      useFactory: instanceCachingFactory(() => {
        const connection = new ClusterConnection(loadKubeConfig(opts.kubeconfig), opts.connection);
        connections.push(connection);
        return connection;
      }),
    });
    child.register(TRANSPORT_OPTIONS, { useValue: opts.transport ?? {} });
    child.register(REST_MAPPER_OPTIONS, { useValue: opts.discovery ?? {} });
    child.register(INFORMER_CONFIG, {
      // The parent's logger unless the caller gave one: a list that keeps failing must say why.
      useFactory: instanceCachingFactory((c) => {
        const config = opts.informers ?? {};
        if (config.logger !== undefined) return config;
        const logger = c.isRegistered(LOGGER, true) ? c.resolve<Logger>(LOGGER) : NOOP_LOGGER;
        return { ...config, logger: logger.child({ side: name }) };
      }),
    });
    child.register(Transport, { useClass: Transport }, { lifecycle: Lifecycle.ContainerScoped });
    child.register(RestMapper, { useClass: RestMapper }, { lifecycle: Lifecycle.ContainerScoped });
    child.register(DynamicClient, { useClass: DynamicClient }, { lifecycle: Lifecycle.ContainerScoped });
    child.register(KUBE_CLIENT, { useToken: DynamicClient });
    child.register(
      SharedInformerFactory,
      { useClass: SharedInformerFactory },
      { lifecycle: Lifecycle.ContainerScoped },
    );
    return child;
  };
  const upstream = side('upstream', options.upstream);
  const downstream = side('downstream', options.downstream);
  const bind = (child: DependencyContainer, clientToken: symbol, factoryToken: symbol): void => {
    container.register<KubeClient>(clientToken, {
      useFactory: instanceCachingFactory(() => child.resolve<KubeClient>(KUBE_CLIENT)),
    });
    container.register<InformerFactory>(factoryToken, {
      useFactory: instanceCachingFactory(() => {
        const factory = child.resolve(SharedInformerFactory);
        factories.push(factory);
        return factory;
      }),
    });
  };
  bind(upstream, UPSTREAM_KUBE_CLIENT, UPSTREAM_INFORMER_FACTORY);
  bind(downstream, DOWNSTREAM_KUBE_CLIENT, DOWNSTREAM_INFORMER_FACTORY);
  return {
    upstream,
    downstream,
    async close() {
      await Promise.all(factories.map((f) => f.stop()));
      await Promise.all(connections.map((c) => c.close()));
    },
  };
}
