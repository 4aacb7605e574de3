#!/usr/bin/env node
// Regenerates packages/testing/data/ (committed) from the Go module cache, for the Kubernetes version the
// simulator reports (tools/kube-bins/go.mod's k8s.io/kubernetes):
//   kube-proto.json.br   protobufjs descriptor of the served groups' generated.proto (k8s.io/api, apimachinery,
//                        apiextensions-apiserver) plus, from the Go types (tools/kube-api-data), each kind's message
//                        and each field's JSON name / omitempty / pointer
//   openapi-v2.json.br   k8s.io/kubernetes api/openapi-spec/swagger.json, served group-versions' paths only
//   openapi-v3.json.br   api/openapi-spec/v3/*.json of the served group-versions, keyed by their /openapi/v3 path
// Usage: node packages/testing/scripts/generate-api-data.mjs   (needs Go; downloads modules through the proxy)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

function v3Key(file) {
  // apis__apps__v1_openapi.json -> apis/apps/v1
  return file.replace(/_openapi\.json$/, '').replaceAll('__', '/');
}

function openapiData(version) {
  const dir = join(moduleDir(`k8s.io/kubernetes@${version}`), 'api', 'openapi-spec');
  const servedPaths = SERVED.map((gv) => (gv.includes('/') ? `apis/${gv}` : `api/${gv}`));
  const keep = ['api', 'apis', 'version', 'logs', '.well-known/openid-configuration', 'openid/v1/jwks'];
  const v3 = {};
  for (const file of execFileSync('ls', [join(dir, 'v3')], { encoding: 'utf8' }).split('\n')) {
    if (!file.endsWith('.json')) continue;
    const key = v3Key(file);
    const groupDoc = servedPaths.some((p) => key === p.slice(0, p.lastIndexOf('/')) && key !== 'api');
    if (servedPaths.includes(key) || keep.includes(key) || groupDoc) {
      v3[key] = JSON.parse(readFileSync(join(dir, 'v3', file), 'utf8'));
    }
  }
  const swagger = JSON.parse(readFileSync(join(dir, 'swagger.json'), 'utf8'));
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
go(['mod', 'download', `k8s.io/kubernetes@${version}`]);
write('kube-proto.json.br', protoData(version));
const openapi = openapiData(version);
write('openapi-v2.json.br', { kubernetes: version, spec: openapi.v2 });
write('openapi-v3.json.br', { kubernetes: version, docs: openapi.v3 });
