import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DiscoverySource } from '../api/discovery.js';
import {
  type OpenApiSource,
  v2Document,
  v2ProtobufDocument,
  v3Documents,
  v3Root,
} from '../api/openapi/documents.js';
import { PlainNotFound } from '../api/status.js';
import type { ObjectStore } from '../store/store.js';
import { parseAccept } from './protobuf-io.js';
import { sendText } from './respond.js';

// /openapi/v2 and /openapi/v3 as kube-apiserver serves them (k8s.io/kube-openapi handler and handler3):
// v3 lists every document with a hash-pinned URL; a pinned request is immutable, a stale hash redirects.

const CRD_GR = 'apiextensions.k8s.io/customresourcedefinitions';
const YEAR_MS = 365 * 24 * 3600 * 1000;

function sendDoc(res: ServerResponse, bytes: Buffer, headers: Record<string, string>): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': bytes.length,
    vary: 'Accept',
    ...headers,
  });
  res.end(bytes);
}

const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/**
 * kube-openapi's choice for /openapi/v2: the first Accept range (by q) that JSON or either protobuf name
 * matches, wildcards picking JSON; undefined (406) when none does.
 */
function v2Format(accept: string): 'json' | 'protobuf' | undefined {
  for (const range of parseAccept(accept.trim() === '' ? '*/*' : accept)) {
    if (range.type === V2_PROTOBUF || range.type === V2_PROTOBUF_DEPRECATED) return 'protobuf';
    if (['application/json', 'application/*', '*/*'].includes(range.type)) return 'json';
  }
  return undefined;
}

/** Answers `/openapi/...` paths; false for any other path. Throws for what it refuses. */
export function serveOpenApi(
  req: IncomingMessage,
  res: ServerResponse,
  rest: string[],
  query: URLSearchParams,
  view: { discovery: DiscoverySource; cluster: string; store: ObjectStore },
): boolean {
  if (rest[0] !== 'openapi') return false;
  req.resume();
  const source = (): OpenApiSource => ({
    discovery: view.discovery,
    cluster: view.cluster,
    crds: () => [...view.store.list(view.cluster, CRD_GR)].map((e) => e.object),
  });
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new PlainNotFound();
  if (rest[1] === 'v2' && rest.length === 2) {
    const format = v2Format(String(req.headers.accept ?? ''));
    if (format === undefined) {
      res.writeHead(406, { vary: 'Accept', 'content-length': 0 });
      res.end();
      return true;
    }
    const doc = format === 'json' ? v2Document(source()) : v2ProtobufDocument(source());
    sendDoc(res, doc.bytes, {
      'cache-control': 'no-cache, private',
      etag: `"${doc.hash}"`,
      ...(format === 'protobuf' ? { 'content-type': V2_PROTOBUF } : {}),
    });
    return true;
  }
  if (rest[1] !== 'v3') throw new PlainNotFound();
  const docs = v3Documents(source());
  if (rest.length === 2) {
    sendText(res, 200, JSON.stringify(v3Root(docs)));
    return true;
  }
  const key = rest.slice(2).join('/');
  const doc = docs.get(key)?.();
  if (!doc) throw new PlainNotFound();
  const hash = query.get('hash');
  const etag = `"${doc.hash}"`;
  if (hash !== null && hash !== doc.hash) {
    res.writeHead(301, {
      location: `/openapi/v3/${key}?hash=${doc.hash}`,
      'cache-control': 'no-cache, private',
      'content-type': 'application/json',
      etag,
      vary: 'Accept',
      'content-length': 0,
    });
    res.end();
    return true;
  }
  sendDoc(
    res,
    doc.bytes,
    hash === null
      ? { 'cache-control': 'no-cache, private', etag }
      : {
          'cache-control': 'public, immutable',
          expires: new Date(Date.now() + YEAR_MS).toUTCString(),
          etag,
        },
  );
  return true;
}
