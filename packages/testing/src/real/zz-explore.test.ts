import { existsSync, writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { startRealKubeApiserver } from './kube-apiserver.js';

it('explore', async () => {
  const s = await startRealKubeApiserver({});
  writeFileSync('/tmp/h16a/real.kubeconfig', s.kubeconfig);
  writeFileSync('/tmp/h16a/real.env', `URL=${s.url}\nTOKEN=${s.token}\n`);
  while (!existsSync('/tmp/h16a/stop')) await new Promise((r) => setTimeout(r, 500));
  await s.stop();
}, 3_600_000);
