import type { WorkQueueMetricsProvider } from '@kcp-tmc/interfaces';

/** One queue's metrics as plain values, for assertions. */
export interface RecordedQueueMetrics {
  depth: number;
  adds: number;
  retries: number;
  latency: number[];
  workDuration: number[];
  unfinishedWorkSeconds: number | undefined;
  longestRunningProcessorSeconds: number | undefined;
}

/** A WorkQueueMetricsProvider that records into plain objects, one per queue name. */
export class RecordingMetricsProvider implements WorkQueueMetricsProvider {
  readonly queues = new Map<string, RecordedQueueMetrics>();

  of(queue: string): RecordedQueueMetrics {
    let metrics = this.queues.get(queue);
    if (metrics === undefined) {
      metrics = {
        depth: 0,
        adds: 0,
        retries: 0,
        latency: [],
        workDuration: [],
        unfinishedWorkSeconds: undefined,
        longestRunningProcessorSeconds: undefined,
      };
      this.queues.set(queue, metrics);
    }
    return metrics;
  }

  depth(queue: string) {
    const m = this.of(queue);
    return { inc: () => void m.depth++, dec: () => void m.depth-- };
  }
  adds(queue: string) {
    const m = this.of(queue);
    return { inc: () => void m.adds++ };
  }
  latency(queue: string) {
    const m = this.of(queue);
    return { observe: (v: number) => void m.latency.push(v) };
  }
  workDuration(queue: string) {
    const m = this.of(queue);
    return { observe: (v: number) => void m.workDuration.push(v) };
  }
  unfinishedWorkSeconds(queue: string) {
    const m = this.of(queue);
    return {
      set: (v: number) => {
        m.unfinishedWorkSeconds = v;
      },
    };
  }
  longestRunningProcessorSeconds(queue: string) {
    const m = this.of(queue);
    return {
      set: (v: number) => {
        m.longestRunningProcessorSeconds = v;
      },
    };
  }
  retries(queue: string) {
    const m = this.of(queue);
    return { inc: () => void m.retries++ };
  }
}
