interface LogLine {
  time: string;
  text: string;
}

type Follower = (line: LogLine | null) => void;

/**
 * Container log lines per pod, written by the fake kubelet and served by `pods/log` (with tailLines,
 * timestamps, limitBytes and follow streaming). Bounded per container so long runs stay small.
 */
export class PodLogStore {
  private readonly logs = new Map<string, LogLine[]>();
  private readonly followers = new Map<string, Set<Follower>>();

  constructor(private readonly maxLinesPerContainer = 1000) {}

  private key(cluster: string, namespace: string, pod: string, container: string): string {
    return `${cluster}\u0000${namespace}\u0000${pod}\u0000${container}`;
  }

  append(cluster: string, namespace: string, pod: string, container: string, text: string): void {
    const k = this.key(cluster, namespace, pod, container);
    let lines = this.logs.get(k);
    if (!lines) {
      lines = [];
      this.logs.set(k, lines);
    }
    const line = { time: new Date().toISOString().replace('Z', '000000Z'), text };
    lines.push(line);
    if (lines.length > this.maxLinesPerContainer) lines.splice(0, lines.length - this.maxLinesPerContainer);
    for (const f of this.followers.get(k) ?? []) f(line);
  }

  has(cluster: string, namespace: string, pod: string, container: string): boolean {
    return this.logs.has(this.key(cluster, namespace, pod, container));
  }

  lines(cluster: string, namespace: string, pod: string, container: string): readonly LogLine[] {
    return this.logs.get(this.key(cluster, namespace, pod, container)) ?? [];
  }

  follow(cluster: string, namespace: string, pod: string, container: string, f: Follower): () => void {
    const k = this.key(cluster, namespace, pod, container);
    let set = this.followers.get(k);
    if (!set) {
      set = new Set();
      this.followers.set(k, set);
    }
    set.add(f);
    return () => set.delete(f);
  }

  /** Drops a pod's logs and ends its followers (the pod is gone). */
  removePod(cluster: string, namespace: string, pod: string): void {
    const prefix = `${cluster}\u0000${namespace}\u0000${pod}\u0000`;
    for (const k of [...this.logs.keys()]) if (k.startsWith(prefix)) this.logs.delete(k);
    for (const [k, set] of this.followers) {
      if (!k.startsWith(prefix)) continue;
      for (const f of set) f(null);
      this.followers.delete(k);
    }
  }
}

export function formatLogLine(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${line.time} ${line.text}\n` : `${line.text}\n`;
}
