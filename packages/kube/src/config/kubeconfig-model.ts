// The kubeconfig as data, without @kubernetes/client-node: importing client-node's KubeConfig loads every
// generated API model with it (tens of MiB of heap before the first object). Field names follow client-node's
// Cluster, User and Context, so code written against them reads the same.
import { readFile } from 'node:fs/promises';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { authHeaders, tlsMaterial, tokenFileOf } from './credentials.js';

export interface KubeCluster {
  readonly name: string;
  /** Without a trailing slash. */
  readonly server: string;
  readonly caData?: string | undefined;
  readonly caFile?: string | undefined;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string | undefined;
  readonly proxyUrl?: string | undefined;
}

/** client-node fills absent fields with null, so both null and undefined mean "not set". */
export interface KubeUser {
  readonly name: string;
  readonly token?: string | undefined;
  readonly username?: string | null | undefined;
  readonly password?: string | null | undefined;
  readonly certData?: string | null | undefined;
  readonly certFile?: string | null | undefined;
  readonly keyData?: string | null | undefined;
  readonly keyFile?: string | null | undefined;
  readonly impersonateUser?: string | null | undefined;
  readonly exec?: unknown;
  readonly authProvider?: unknown;
}

export interface KubeContext {
  readonly name: string;
  readonly cluster: string;
  readonly user?: string | undefined;
  readonly namespace?: string | undefined;
}

export interface KubeConfigData {
  clusters: KubeCluster[];
  users: KubeUser[];
  contexts: KubeContext[];
  currentContext: string;
}

/**
 * A loaded kubeconfig with one current context. A config wrapped from a client-node KubeConfig keeps it, so
 * its custom authenticators still apply.
 */
export class LoadedKubeConfig implements KubeConfigData {
  clusters: KubeCluster[];
  users: KubeUser[];
  contexts: KubeContext[];
  currentContext: string;

  constructor(
    data: KubeConfigData,
    /** The client-node KubeConfig this was read from, which then authenticates requests. */
    readonly clientNode?: KubeConfig,
  ) {
    this.clusters = data.clusters;
    this.users = data.users;
    this.contexts = data.contexts;
    this.currentContext = data.currentContext;
  }

  static fromClientNode(kc: KubeConfig): LoadedKubeConfig {
    return new LoadedKubeConfig(
      {
        clusters: kc.clusters,
        users: kc.users,
        contexts: kc.contexts,
        currentContext: kc.currentContext,
      },
      kc,
    );
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
    this.clientNode?.setCurrentContext(name);
  }

  getContextObject(name: string): KubeContext | null {
    return this.contexts.find((c) => c.name === name) ?? null;
  }

  getCurrentCluster(): KubeCluster | null {
    const name = this.getContextObject(this.currentContext)?.cluster;
    return this.clusters.find((c) => c.name === name) ?? null;
  }

  getCurrentUser(): KubeUser | null {
    const name = this.getContextObject(this.currentContext)?.user;
    return this.users.find((u) => u.name === name) ?? null;
  }

  /**
   * Whether our own code can authenticate this context: static credentials or the in-cluster token file, no
   * proxy. Exec and other auth-provider plugins, proxies and wrapped client-node configs go through client-node.
   */
  get native(): boolean {
    if (this.clientNode !== undefined) return false;
    const user = this.getCurrentUser();
    if (user?.exec != null) return false;
    if (user?.authProvider != null && tokenFileOf(user) === undefined) return false;
    return (this.getCurrentCluster()?.proxyUrl ?? '') === '';
  }

  /**
   * TLS settings and credential headers for a node:https or WebSocket request to the current cluster (the
   * tunnel's dials), as client-node's method of the same name sets them.
   */
  async applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    if (!this.native) {
      await (await this.toClientNode()).applyToHTTPSOptions(opts);
      return;
    }
    const user = this.getCurrentUser();
    const tokenFile = tokenFileOf(user);
    const token = tokenFile === undefined ? undefined : (await readFile(tokenFile, 'utf8')).trim();
    Object.assign(opts, await tlsMaterial(this.getCurrentCluster(), user));
    opts.headers = { ...(opts.headers as Record<string, string> | undefined), ...authHeaders(user, token) };
  }

  /** A client-node KubeConfig with the same contents (imported only now, for plugins and proxies). */
  async toClientNode(): Promise<KubeConfig> {
    if (this.clientNode !== undefined) return this.clientNode;
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: this.clusters,
      users: this.users as KubeConfig['users'],
      contexts: this.contexts,
      currentContext: this.currentContext,
    });
    return kc;
  }
}
