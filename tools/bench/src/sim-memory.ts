import type { Benchmark } from './registry.js';
import { round, SimWorker } from './sim-support.js';

// Heap of the simulator (its own thread) holding 10k and 50k ConfigMaps of about 1 KiB, against the JSON
// size of the objects: the store keeps one frozen copy per object and the watch history points at the same
// copies, so bytes per object stay a small multiple of the JSON size, and compacting history frees little.

const PAYLOAD = 700;

export const simMemory: Benchmark = {
  name: 'sim-memory',
  description:
    'Simulator heap at 10k and 50k ConfigMaps (~1 KiB JSON each), per object and relative to JSON size',
  async run() {
    const worker = new SimWorker();
    try {
      await worker.send({ cmd: 'start' });
      const empty = await worker.send({ cmd: 'fill', total: 0, payloadBytes: PAYLOAD });
      const at10k = await worker.send({ cmd: 'fill', total: 10_000, payloadBytes: PAYLOAD });
      const at50k = await worker.send({ cmd: 'fill', total: 50_000, payloadBytes: PAYLOAD });
      const compacted = await worker.send({ cmd: 'compact' });
      const per = (r: { heapUsed: number; objects: number; jsonBytes: number }) => ({
        objects: r.objects,
        heapMiB: round((r.heapUsed - empty.heapUsed) / 2 ** 20, 1),
        bytesPerObject: round((r.heapUsed - empty.heapUsed) / r.objects, 0),
        jsonBytesPerObject: round(r.jsonBytes / r.objects, 0),
        heapToJsonRatio: round((r.heapUsed - empty.heapUsed) / r.jsonBytes),
      });
      return {
        at10k: per(at10k),
        at50k: per(at50k),
        heapMiBAfterCompactingHistoryAt50k: round((compacted.heapUsed - empty.heapUsed) / 2 ** 20, 1),
      };
    } finally {
      await worker.close();
    }
  },
};
