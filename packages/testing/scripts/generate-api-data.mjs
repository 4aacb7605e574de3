#!/usr/bin/env node
// Regenerates packages/testing/data/ (committed) from the Go module cache, for the Kubernetes version the
// simulator reports (tools/kube-bins/go.mod's k8s.io/kubernetes):
//   kube-proto.json.br   protobufjs descriptor of the served groups' generated.proto (k8s.io/api, apimachinery,
//                        apiextensions-apiserver) plus, from the Go types (tools/kube-api-data), each kind's message
//                        and each field's JSON name / omitempty / pointer
//   openapi-v2.json.br   /openapi/v2 of a real kube-apiserver of that version (tools/kube-bins, started with this
//                        package's harness), served group-versions' paths only, with the protobufjs descriptor of
//                        gnostic's OpenAPIv2.proto
//   openapi-v2.pb.br     the same document as gnostic protobuf (tools/kube-api-data openapi-v2-pb)
//   openapi-v3.json.br   that server's /openapi/v3 documents of the served group-versions, keyed by path
// The served documents, not k8s.io/kubernetes api/openapi-spec: the published ones lack the enum values the
// server puts into descriptions and list CBOR media types the server has off.
// Usage: pnpm build, then node packages/testing/scripts/generate-api-data.mjs (needs Go and openssl; downloads
// modules through the proxy; builds the kube binaries on first use).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import protobuf from 'protobufjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const out = join(here, '..', 'data');
const toolDir = join(repo, 'tools', 'kube-api-data');

// The simulator's built-in group-versions (src/api/builtins.ts), and the ones their objects refer to.
const SERVED = [
  'v1',
  'apps/v1',
  'batch/v1',
  'networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1',
  'coordination.k8s.io/v1',
  'authorization.k8s.io/v1',
  'apiextensions.k8s.io/v1',
];
const PROTO_PACKAGES = [
  'k8s.io/api/core/v1',
  'k8s.io/api/apps/v1',
  'k8s.io/api/batch/v1',
  'k8s.io/api/networking/v1',
  'k8s.io/api/rbac/v1',
  'k8s.io/api/coordination/v1',
  'k8s.io/api/authorization/v1',
  'k8s.io/api/autoscaling/v1',
  'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1',
  'k8s.io/apimachinery/pkg/apis/meta/v1',
  'k8s.io/apimachinery/pkg/runtime',
];

function go(args, cwd = toolDir) {
  return execFileSync('go', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
}

function moduleDir(path) {
  return JSON.parse(go(['list', '-m', '-json', path])).Dir;
}

function kubernetesVersion() {
  const mod = readFileSync(join(repo, 'tools', 'kube-bins', 'go.mod'), 'utf8');
  const m = /k8s\.io\/kubernetes (v[0-9.]+)/.exec(mod);
  if (!m) throw new Error('no k8s.io/kubernetes in tools/kube-bins/go.mod');
  return m[1];
}

function write(name, value) {
  const text = Buffer.from(JSON.stringify(value));
  const packed = brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(join(out, name), packed);
  console.log(`${name}: ${text.length} bytes JSON, ${packed.length} compressed`);
}

function protoData(version) {
  const roots = {
    'k8s.io/api/': moduleDir('k8s.io/api'),
    'k8s.io/apimachinery/': moduleDir('k8s.io/apimachinery'),
    'k8s.io/apiextensions-apiserver/': moduleDir('k8s.io/apiextensions-apiserver'),
  };
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const [prefix, dir] of Object.entries(roots)) {
      if (target.startsWith(prefix)) return join(dir, target.slice(prefix.length));
    }
    return target;
  };
  root.loadSync(
    PROTO_PACKAGES.map((p) => `${p}/generated.proto`),
    { keepCase: true },
  );
  root.resolveAll();
  const types = JSON.parse(go(['run', '.']));
  const messages = new Set();
  const collect = (ns, prefix) => {
    for (const [name, nested] of Object.entries(ns.nested ?? {})) {
      const full = prefix ? `${prefix}.${name}` : name;
      if (nested.fields) messages.add(full);
      collect(nested, full);
    }
  };
  const descriptor = root.toJSON();
  collect(descriptor, '');
  const kinds = Object.fromEntries(Object.entries(types.kinds).filter(([, m]) => messages.has(m)));
  const fields = Object.fromEntries(Object.entries(types.fields).filter(([m]) => messages.has(m)));
  return { kubernetes: version, descriptor, kinds, fields };
}

/** GET over HTTPS from the real kube-apiserver of the harness (its CA and admin token). */
function fetchFrom(server, path, accept = 'application/json') {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, server.url),
      { ca: server.caCertPem, headers: { authorization: `Bearer ${server.token}`, accept } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks))
            : reject(new Error(`GET ${path}: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function openapiData(server) {
  const servedPaths = SERVED.map((gv) => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`));
  const keep = ['api', 'apis', 'version', 'logs', 'openid/v1/jwks'];
  const root = JSON.parse(await fetchFrom(server, '/openapi/v3'));
  const v3 = {};
  for (const [key, { serverRelativeURL }] of Object.entries(root.paths)) {
    const groupDoc = servedPaths.some((p) => key === p.slice(0, p.lastIndexOf('/')) && key !== 'api');
    if (servedPaths.includes(key) || keep.includes(key) || groupDoc) {
      v3[key] = JSON.parse(await fetchFrom(server, serverRelativeURL));
    }
  }
  const swagger = JSON.parse(await fetchFrom(server, '/openapi/v2'));
  const served = (path) =>
    servedPaths.some((p) => path === `/${p}/` || path.startsWith(`/${p}/`)) ||
    !/^\/apis?\//.test(path) ||
    servedPaths.some((p) => path === `/${p.slice(0, p.lastIndexOf('/'))}/`);
  swagger.paths = Object.fromEntries(Object.entries(swagger.paths).filter(([p]) => served(p)));
  // Keep only the definitions the kept paths reach.
  const reached = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string') {
          const name = v.replace('#/definitions/', '');
          if (!reached.has(name)) {
            reached.add(name);
            walk(swagger.definitions[name]);
          }
        } else walk(v);
      }
    }
  };
  walk(swagger.paths);
  swagger.definitions = Object.fromEntries(
    Object.entries(swagger.definitions).filter(([n]) => reached.has(n)),
  );
  return { v2: swagger, v3 };
}

const version = kubernetesVersion();
write('kube-proto.json.br', protoData(version));
// The documents as the real kube-apiserver serves them (tools/kube-bins, same version): the published
// api/openapi-spec differs (no enum values in descriptions, CBOR media types the server has off).
const { startRealKubeApiserver } = await import('../dist/real/index.js');
const server = await startRealKubeApiserver({});
let openapi;
try {
  openapi = await openapiData(server);
} finally {
  await server.stop();
}
const gnosticDir = join(moduleDir('github.com/google/gnostic-models'), 'openapiv2');
const gnostic = new protobuf.Root().loadSync(join(gnosticDir, 'OpenAPIv2.proto'), { keepCase: true });
gnostic.resolveAll();
write('openapi-v2.json.br', { kubernetes: version, spec: openapi.v2, gnostic: gnostic.toJSON() });
const pb = execFileSync('go', ['run', '.', 'openapi-v2-pb'], {
  cwd: toolDir,
  input: JSON.stringify(openapi.v2),
  maxBuffer: 1 << 28,
});
const packedPb = brotliCompressSync(pb, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
writeFileSync(join(out, 'openapi-v2.pb.br'), packedPb);
console.log(`openapi-v2.pb.br: ${pb.length} bytes protobuf, ${packedPb.length} compressed`);
write('openapi-v3.json.br', { kubernetes: version, docs: openapi.v3 });
