import type { IncomingMessage } from 'node:http';
import { badRequest } from '../api/status.js';
import type { DeleteOptions, WriteOptions } from '../api/target.js';
import { isPlainObject } from '../api/types.js';
import { decodeObject, mediaType, parseJson, queryFlag, queryInt, readBody } from './request.js';

// A request's options as kube-apiserver reads them from the query and, for deletes, the DeleteOptions body.

export function writeOptions(req: IncomingMessage, q: URLSearchParams): WriteOptions {
  const opts: WriteOptions = {};
  const dryRun = q.getAll('dryRun');
  if (dryRun.length > 0) {
    if (dryRun.some((d) => d !== 'All')) throw badRequest(`Invalid dry run value: ${dryRun.join(', ')}`);
    opts.dryRun = true;
  }
  const fm = q.get('fieldManager');
  if (fm) opts.fieldManager = fm;
  const ua = req.headers['user-agent'];
  if (ua) opts.userAgent = ua;
  if (queryFlag(q, 'force')) opts.force = true;
  return opts;
}

export function listOptions(q: URLSearchParams) {
  const out: {
    labelSelector?: string;
    fieldSelector?: string;
    limit?: number;
    continue?: string;
    resourceVersion?: string;
  } = {};
  const ls = q.get('labelSelector');
  if (ls) out.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs) out.fieldSelector = fs;
  const limit = queryInt(q, 'limit');
  if (limit !== undefined) out.limit = limit;
  const cont = q.get('continue');
  if (cont) out.continue = cont;
  const rv = q.get('resourceVersion');
  if (rv !== null) out.resourceVersion = rv;
  return out;
}

export async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const body = await readBody(req);
  const opts: DeleteOptions = {};
  if (body.length > 0) {
    // Typed client-go clients send DeleteOptions in their content type, protobuf included.
    const parsed =
      mediaType(req) === 'application/vnd.kubernetes.protobuf'
        ? decodeObject(req, body, { apiVersion: 'v1', kind: 'DeleteOptions' })
        : parseJson(body.toString('utf8'));
    if (isPlainObject(parsed)) {
      if (typeof parsed.propagationPolicy === 'string')
        opts.propagationPolicy = parsed.propagationPolicy as DeleteOptions['propagationPolicy'] & string;
      if (typeof parsed.orphanDependents === 'boolean') opts.orphanDependents = parsed.orphanDependents;
      if (typeof parsed.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = parsed.gracePeriodSeconds;
      if (isPlainObject(parsed.preconditions))
        opts.preconditions = parsed.preconditions as DeleteOptions['preconditions'] & object;
      if (Array.isArray(parsed.dryRun) && parsed.dryRun.includes('All')) opts.dryRun = true;
    }
  }
  const pp = q.get('propagationPolicy');
  if (pp) {
    if (!['Orphan', 'Background', 'Foreground'].includes(pp)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${pp}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'] & string;
  }
  const gp = queryInt(q, 'gracePeriodSeconds');
  if (gp !== undefined) opts.gracePeriodSeconds = gp;
  if (q.get('orphanDependents') !== null) opts.orphanDependents = queryFlag(q, 'orphanDependents');
  if (q.getAll('dryRun').includes('All')) opts.dryRun = true;
  return opts;
}
