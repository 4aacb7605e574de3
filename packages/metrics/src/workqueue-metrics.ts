import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** client-go's workqueue buckets (component-base): 10 ns to 10^9 times that, by powers of ten. */
const WORKQUEUE_BUCKETS = Array.from({ length: 10 }, (_, i) => Number((10e-9 * 10 ** i).toPrecision(1)));

/** client-go's workqueue metrics under client-go's names, each series labelled with the queue's `name`. */
export function workQueueMetrics(registry: Registry) {
  const common = { labelNames: ['name'] as const, registers: [registry] };
  const gauge = (name: string, help: string) => new Gauge({ name, help, ...common });
  const counter = (name: string, help: string) => new Counter({ name, help, ...common });
  const histogram = (name: string, help: string) =>
    new Histogram({ name, help, buckets: WORKQUEUE_BUCKETS, ...common });
  return {
    depth: gauge('workqueue_depth', 'Keys waiting in the work queue.'),
    adds: counter('workqueue_adds_total', 'Keys added to the work queue.'),
    latency: histogram(
      'workqueue_queue_duration_seconds',
      'Seconds a key waited in the work queue before a worker took it.',
    ),
    work: histogram('workqueue_work_duration_seconds', 'Seconds a worker spent processing one key.'),
    unfinished: gauge(
      'workqueue_unfinished_work_seconds',
      'Seconds of processing in progress, not yet observed as work duration; a steady rise means stuck workers.',
    ),
    longest: gauge(
      'workqueue_longest_running_processor_seconds',
      'Seconds the longest-running worker has spent on its current key.',
    ),
    retries: counter('workqueue_retries_total', 'Keys re-queued with rate limiting after a failure.'),
  };
}
