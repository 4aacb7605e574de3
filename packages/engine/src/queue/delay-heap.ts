interface Entry<K> {
  key: K;
  readyAt: number;
  /** Insertion order: equal ready times come out first-in first-out. */
  seq: number;
}

/**
 * Min-heap of keys by ready time, with at most one entry per key (client-go's waitingForQueue plus its
 * knownEntries map). Pushing a key already waiting keeps the earlier of the two times.
 */
export class DelayHeap<K> {
  private readonly heap: Entry<K>[] = [];
  private readonly index = new Map<K, number>();
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  has(key: K): boolean {
    return this.index.has(key);
  }

  readyAtOf(key: K): number | undefined {
    const at = this.index.get(key);
    return at === undefined ? undefined : this.heap[at]?.readyAt;
  }

  /** Returns true when the key's ready time changed (new key, or an earlier time). */
  push(key: K, readyAt: number): boolean {
    const at = this.index.get(key);
    if (at !== undefined) {
      const entry = this.heap[at] as Entry<K>;
      if (entry.readyAt <= readyAt) return false;
      entry.readyAt = readyAt;
      this.up(at);
      return true;
    }
    this.heap.push({ key, readyAt, seq: this.seq++ });
    this.index.set(key, this.heap.length - 1);
    this.up(this.heap.length - 1);
    return true;
  }

  peek(): { readonly key: K; readonly readyAt: number } | undefined {
    return this.heap[0];
  }

  pop(): { readonly key: K; readonly readyAt: number } | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop() as Entry<K>;
    this.index.delete(top.key);
    if (last !== top) {
      this.heap[0] = last;
      this.index.set(last.key, 0);
      this.down(0);
    }
    return top;
  }

  /** Removes everything, earliest first. */
  drain(): K[] {
    const keys: K[] = [];
    for (let entry = this.pop(); entry !== undefined; entry = this.pop()) keys.push(entry.key);
    return keys;
  }

  private lessAt(i: number, j: number): boolean {
    const a = this.heap[i] as Entry<K>;
    const b = this.heap[j] as Entry<K>;
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as Entry<K>;
    const b = this.heap[j] as Entry<K>;
    this.heap[i] = b;
    this.heap[j] = a;
    this.index.set(b.key, i);
    this.index.set(a.key, j);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.lessAt(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.lessAt(left, smallest)) smallest = left;
      if (right < n && this.lessAt(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
