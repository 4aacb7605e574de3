#!/usr/bin/env node
import { runKubeSim, USAGE } from './cli.js';

// kube-sim: run the simulator so any client (kubectl, client-go, client-node) can be pointed at it.
try {
  const result = await runKubeSim(process.argv.slice(2));
  if (!result) {
    process.stdout.write(USAGE);
  } else {
    for (const line of result.banner) process.stdout.write(`${line}\n`);
    const stop = async () => {
      await result.control?.close();
      await result.sim.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  }
} catch (err) {
  process.stderr.write(`kube-sim: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exitCode = 2;
}
