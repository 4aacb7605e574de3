import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from '../api/status.js';
import { isPlainObject, type KubeObject } from '../api/types.js';
import { formatLogLine, type PodLogStore } from './pod-logs.js';
import { queryFlag, queryInt } from './request.js';

function containerNames(pod: KubeObject): string[] {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const list = Array.isArray(spec.containers) ? spec.containers : [];
  return list.filter(isPlainObject).map((c) => String(c.name));
}

/** GET pods/<name>/log: container selection and errors as the kubelet path reports them. */
export function servePodLog(
  res: ServerResponse,
  logs: PodLogStore,
  pod: KubeObject,
  cluster: string,
  q: URLSearchParams,
  req: IncomingMessage,
): void {
  const name = pod.metadata.name!;
  const namespace = pod.metadata.namespace!;
  const podCluster = cluster === '*' ? (pod.metadata.annotations?.['kcp.io/cluster'] ?? cluster) : cluster;
  const names = containerNames(pod);
  let container = q.get('container') ?? undefined;
  if (container === undefined) {
    if (names.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
      );
    }
    container = names[0]!;
  } else if (!names.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (queryFlag(q, 'previous')) {
    throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  if (!logs.has(podCluster, namespace, name, container)) {
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
  }
  const timestamps = queryFlag(q, 'timestamps');
  let lines = logs.lines(podCluster, namespace, name, container);
  const tail = queryInt(q, 'tailLines');
  if (tail !== undefined && tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
  let text = lines.map((l) => formatLogLine(l, timestamps)).join('');
  const limitBytes = queryInt(q, 'limitBytes');
  if (limitBytes !== undefined && limitBytes > 0)
    text = Buffer.from(text).subarray(0, limitBytes).toString('utf8');
  if (!queryFlag(q, 'follow')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' });
  res.write(text);
  const stop = logs.follow(podCluster, namespace, name, container, (line) => {
    if (line === null) {
      stop();
      res.end();
    } else if (!res.destroyed) {
      res.write(formatLogLine(line, timestamps));
    }
  });
  req.on('close', stop);
  res.on('close', stop);
}
