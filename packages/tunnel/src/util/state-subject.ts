import type { EventStream } from '@kcp-tmc/interfaces';

type Observer<T> = { next?: (value: T) => void; error?: (err: unknown) => void; complete?: () => void };

/**
 * A minimal BehaviorSubject: subscribers get the current value at once, then every change. It satisfies the
 * rxjs-compatible `EventStream` contract (rxjs `from(subject)` works) without a runtime dependency on rxjs.
 */
export class StateSubject<T> implements EventStream<T> {
  private readonly observers = new Set<Observer<T>>();
  private completed = false;

  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  /** Emits `value` if it differs from the current one. */
  next(value: T): void {
    if (this.completed || Object.is(value, this.current)) return;
    this.current = value;
    for (const observer of [...this.observers]) observer.next?.(value);
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    for (const observer of [...this.observers]) observer.complete?.();
    this.observers.clear();
  }

  subscribe(observer: Observer<T>): { unsubscribe(): void } {
    observer.next?.(this.current);
    if (this.completed) {
      observer.complete?.();
      return { unsubscribe: () => {} };
    }
    this.observers.add(observer);
    return { unsubscribe: () => this.observers.delete(observer) };
  }
}
