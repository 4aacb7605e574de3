import { type KubeObject, NAMESPACE_LOCATOR_ANNOTATION } from '@kcp-tmc/interfaces';
import {
  call,
  ownedDownstream,
  ST_CLUSTER,
  ST_NAME,
  syncLabels,
  WORKSPACES,
  type World,
} from '../e2e/support.js';

/** Where an object lives upstream: `<workspace>/<namespace>/<name>`. */
export type Place = string;

export interface Convergence {
  /** Upstream objects missing downstream, or downstream with other data. */
  lost: Place[];
  /** Downstream objects with no upstream object (anymore). */
  stray: Place[];
  /** Upstream objects found more than once downstream. */
  duplicated: Place[];
}

const NAMESPACE = 'bulk';

/**
 * The objects a chaos scenario syncs: ConfigMaps `cm-<i>` in the `bulk` namespace of each workspace, created,
 * changed and deleted through the upstream's HTTP API. It remembers what each should hold, so the downstream
 * can be compared object by object.
 */
export class Workload {
  private readonly expected = new Map<Place, string>();
  private next = 0;

  constructor(private readonly world: World) {}

  get size(): number {
    return this.expected.size;
  }

  /** Creates `n` ConfigMaps spread over the workspaces, `concurrency` at a time. */
  async create(n: number, concurrency = 16): Promise<void> {
    const items = Array.from({ length: n }, () => this.next++);
    await pool(items, concurrency, async (i) => {
      const workspace = WORKSPACES[i % WORKSPACES.length] as string;
      const name = `cm-${i}`;
      const answer = await call(this.base(workspace), this.path(), 'POST', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, labels: syncLabels() },
        data: { v: '0' },
      });
      if (answer.status !== 201) throw new Error(`create ${name}: ${answer.status}`);
      this.expected.set(`${workspace}/${NAMESPACE}/${name}`, '0');
    });
  }

  /** Changes the data of the first `n` objects. */
  async update(n: number, concurrency = 16): Promise<void> {
    const places = [...this.expected.keys()].slice(0, n);
    await pool(places, concurrency, async (place) => {
      const [workspace = '', , name = ''] = place.split('/');
      const value = String(Number(this.expected.get(place)) + 1);
      const answer = await call(this.base(workspace), `${this.path()}/${name}`, 'PATCH', {
        data: { v: value },
      });
      if (answer.status !== 200) throw new Error(`update ${place}: ${answer.status}`);
      this.expected.set(place, value);
    });
  }

  /** Deletes the last `n` objects. */
  async delete(n: number, concurrency = 16): Promise<void> {
    await this.deleteAll([...this.expected.keys()].slice(-n), concurrency);
  }

  /** Deletes every object whose place matches. */
  async deleteWhere(matches: (place: Place) => boolean, concurrency = 16): Promise<void> {
    await this.deleteAll([...this.expected.keys()].filter(matches), concurrency);
  }

  private async deleteAll(places: readonly Place[], concurrency: number): Promise<void> {
    await pool(places, concurrency, async (place) => {
      const [workspace = '', , name = ''] = place.split('/');
      const answer = await call(this.base(workspace), `${this.path()}/${name}`, 'DELETE');
      if (answer.status !== 200) throw new Error(`delete ${place}: ${answer.status}`);
      this.expected.delete(place);
    });
  }

  /**
   * Compares the downstream with what the workload expects. Only namespaces of the SyncTarget's current
   * incarnation count: kcp's syncer ignores those whose locator names another SyncTarget uid, a deleted and
   * recreated one's (pkg/syncer/namespace/namespace_downstream_process.go), and so does the agent.
   */
  async compare(): Promise<Convergence> {
    const found = await this.downstream();
    const lost: Place[] = [];
    const duplicated: Place[] = [];
    for (const [place, value] of this.expected) {
      const copies = found.get(place) ?? [];
      if (copies.length > 1) duplicated.push(place);
      if (!copies.some((o) => (o.data as Record<string, string> | undefined)?.v === value)) lost.push(place);
    }
    const stray = [...found.keys()].filter((place) => !this.expected.has(place));
    return { lost, stray, duplicated };
  }

  /** Where the workload's objects are now (upstream, as far as this test wrote them). */
  places(): Place[] {
    return [...this.expected.keys()];
  }

  /** The workload's objects downstream, by upstream place (the SyncTarget's current incarnation only). */
  async downstream(): Promise<Map<Place, KubeObject[]>> {
    const { placeOf } = await this.namespaces();
    const found = new Map<Place, KubeObject[]>();
    for (const object of await ownedDownstream(this.world, '/api/v1/configmaps')) {
      const where = placeOf.get(object.metadata.namespace as string);
      if (!object.metadata.name?.startsWith('cm-') || where === undefined) continue;
      const place = `${where}/${object.metadata.name}`;
      found.set(place, [...(found.get(place) ?? []), object]);
    }
    return found;
  }

  /** Downstream objects in namespaces of an earlier incarnation of the SyncTarget (another uid). */
  async earlierIncarnations(): Promise<number> {
    const { others } = await this.namespaces();
    const objects = await ownedDownstream(this.world, '/api/v1/configmaps');
    return objects.filter((o) => others.has(o.metadata.namespace as string)).length;
  }

  private async namespaces(): Promise<{ placeOf: Map<string, Place>; others: Set<string> }> {
    const st = `/clusters/${ST_CLUSTER}/apis/workload.kcp.io/v1alpha1/synctargets/${ST_NAME}`;
    const uid = (await call(this.world.upstream.url, st)).json.metadata?.uid;
    const namespaces = (await call(this.world.downstream.url, '/api/v1/namespaces')).json.items ?? [];
    const placeOf = new Map<string, Place>();
    const others = new Set<string>();
    for (const ns of namespaces) {
      const text = ns.metadata.annotations?.[NAMESPACE_LOCATOR_ANNOTATION];
      if (text === undefined) continue;
      const locator = JSON.parse(text) as {
        cluster: string;
        namespace: string;
        syncTarget?: { uid?: string };
      };
      if (locator.syncTarget?.uid !== uid) others.add(ns.metadata.name as string);
      else placeOf.set(ns.metadata.name as string, `${locator.cluster}/${locator.namespace}`);
    }
    return { placeOf, others };
  }

  private base(workspace: string): string {
    return `${this.world.upstream.url}/clusters/${workspace}`;
  }

  private path(): string {
    return `/api/v1/namespaces/${NAMESPACE}/configmaps`;
  }
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export const isConverged = (c: Convergence): boolean =>
  c.lost.length === 0 && c.stray.length === 0 && c.duplicated.length === 0;
