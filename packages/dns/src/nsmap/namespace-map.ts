/** A query name sent upstream in place of the one asked (both lowercase, without the trailing dot). */
export interface NameRewrite {
  readonly asked: string;
  readonly sent: string;
}

/**
 * The workspace's logical → physical namespaces (the data of kcp's `config-nsmap`-style ConfigMap), and kcp's
 * nsmap rule over them (pkg/dns/plugin/nsmap/namespace.go): in `<a>.<b>.<rest>`, `<b>` is replaced by its
 * physical namespace when `<rest>` starts with `svc` and `<b>` is mapped; any other name goes on unchanged.
 */
export class NamespaceMap {
  private namespaces: ReadonlyMap<string, string> = new Map();

  /** The ConfigMap's data; none (deleted or empty) maps nothing. */
  replace(data: Readonly<Record<string, unknown>> | undefined): void {
    const next = new Map<string, string>();
    for (const [logical, physical] of Object.entries(data ?? {})) {
      if (typeof physical === 'string' && physical !== '') next.set(logical, physical);
    }
    this.namespaces = next;
  }

  get size(): number {
    return this.namespaces.size;
  }

  physical(logical: string): string | undefined {
    return this.namespaces.get(logical);
  }

  /** `name` as dns-packet decodes it (no trailing dot; the root is `.`). */
  rewrite(name: string): NameRewrite | undefined {
    // kcp splits the fully qualified name: `svc.ns.` has an empty third part and is left alone.
    const fqdn = name === '.' ? '.' : `${name.toLowerCase()}.`;
    const first = fqdn.indexOf('.');
    const second = first < 0 ? -1 : fqdn.indexOf('.', first + 1);
    if (second < 0) return undefined;
    const rest = fqdn.slice(second + 1);
    if (!rest.startsWith('svc')) return undefined;
    const physical = this.namespaces.get(fqdn.slice(first + 1, second));
    if (physical === undefined) return undefined;
    const sent = `${fqdn.slice(0, first)}.${physical}.${rest}`;
    return { asked: fqdn.slice(0, -1), sent: sent.slice(0, -1) };
  }
}
