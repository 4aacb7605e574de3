import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { badRequest, internalError } from '../../api/status.js';
import { isPlainObject, type KubeObject } from '../../api/types.js';
import type { PodLogStore } from '../pod-logs.js';
import { CHANNEL_PROTOCOLS, ChannelSession, exitStatus, STDOUT } from './channel-session.js';
import { ExecutableNotFound, type ProcessIO, runProcess } from './shell.js';

interface Upgrade {
  socket: Duplex;
  head: Buffer;
}

const upgrades = new WeakMap<IncomingMessage, Upgrade>();

/** Remembers the socket of an HTTP upgrade request so pods/exec and pods/attach can take it over. */
export function markUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  upgrades.set(req, { socket, head });
}

const wss = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

type Obj = Record<string, unknown>;

function containerOf(pod: KubeObject, requested: string | null): Obj {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const containers = (Array.isArray(spec.containers) ? spec.containers : []).filter(isPlainObject);
  const name = pod.metadata.name!;
  if (requested === null || requested === '') {
    if (containers.length === 1) return containers[0]!;
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containers.map((c) => String(c.name)).join(' ')}]`,
    );
  }
  const found = containers.find((c) => c.name === requested);
  if (!found) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return found;
}

function checkRunning(pod: KubeObject, container: string): void {
  const status = isPlainObject(pod.status) ? pod.status : {};
  const phase = String(status.phase ?? '');
  if (phase === 'Succeeded' || phase === 'Failed')
    throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const statuses = (Array.isArray(status.containerStatuses) ? status.containerStatuses : []).filter(
    isPlainObject,
  );
  const state = statuses.find((s) => s.name === container)?.state;
  if (!isPlainObject(state) || state.running === undefined)
    throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
}

/** The process environment: the image's PATH, the pod's hostname, the container's literal env, HOME. */
function environment(pod: KubeObject, container: Obj): Map<string, string> {
  const env = new Map<string, string>([
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['HOSTNAME', pod.metadata.name!],
  ]);
  for (const e of (Array.isArray(container.env) ? container.env : []).filter(isPlainObject))
    if (typeof e.name === 'string') env.set(e.name, typeof e.value === 'string' ? e.value : '');
  env.set('HOME', '/root');
  return env;
}

export interface RemoteCommandContext {
  pod: KubeObject;
  cluster: string;
  logs: PodLogStore;
}

/**
 * pods/exec and pods/attach over the WebSocket channel protocols, against the fake kubelet's containers:
 * exec runs a scripted process (see runProcess); attach joins the container's main process, which prints
 * its new log lines and echoes stdin, ending when stdin closes or the pod goes away.
 */
export function serveRemoteCommand(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RemoteCommandContext,
  kind: 'exec' | 'attach',
  q: URLSearchParams,
): void {
  const upgrade = upgrades.get(req);
  const flag = (name: string) => q.get(name) === 'true' || q.get(name) === '1';
  const container = containerOf(ctx.pod, q.get('container'));
  const containerName = String(container.name);
  const argv = q.getAll('command');
  if (kind === 'exec' && argv.length === 0) throw badRequest('you must specify at least 1 command');
  if (!flag('stdin') && !flag('stdout') && !flag('stderr'))
    throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  checkRunning(ctx.pod, containerName);
  if (!upgrade) throw badRequest('Upgrade request required');
  upgrades.delete(req);
  res.detachSocket(upgrade.socket as never);
  wss.handleUpgrade(req, upgrade.socket, upgrade.head, (ws) => {
    const session = new ChannelSession(ws, flag('tty'));
    const io: ProcessIO = {
      stdout: (t) => session.write(STDOUT, t),
      stderr: (t) => session.write(2, t),
      stdin: flag('stdin') ? session.stdin() : undefined,
      env: environment(ctx.pod, container),
    };
    if (kind === 'exec') void runExec(session, argv, io);
    else runAttach(session, ctx, containerName, io);
  });
}

async function runExec(session: ChannelSession, argv: string[], io: ProcessIO): Promise<void> {
  try {
    session.finish(exitStatus(await runProcess(argv, io), argv));
  } catch (err) {
    const why = err instanceof ExecutableNotFound ? err.message : String(err);
    session.finish(
      internalError(
        `error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: ${why}: unknown`,
      ).toStatus() as unknown as Record<string, unknown>,
    );
  }
}

function runAttach(
  session: ChannelSession,
  ctx: RemoteCommandContext,
  container: string,
  io: ProcessIO,
): void {
  const { pod, cluster, logs } = ctx;
  const stop = logs.follow(cluster, pod.metadata.namespace!, pod.metadata.name!, container, (line) => {
    if (line === null) session.finish(exitStatus(0, []));
    else io.stdout(`${line.text}\n`);
  });
  session.onClose(stop);
  const done = () => {
    stop();
    session.finish(exitStatus(0, []));
  };
  if (io.stdin) {
    void (async () => {
      for await (const chunk of io.stdin!) io.stdout(chunk);
      done();
    })();
  }
}
