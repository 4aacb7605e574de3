import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip } from 'node:zlib';

export const execFileAsync = promisify(execFile);

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

export interface ImageConfig {
  architecture: string;
  os: string;
  config: {
    User?: string;
    Entrypoint?: string[];
    Env?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
  };
  rootfs: { type: string; diff_ids: string[] };
}

export interface OciImage {
  dir: string;
  index: { schemaVersion: number; manifests: Descriptor[] };
  manifestDescriptor: Descriptor;
  manifest: { schemaVersion: number; mediaType: string; config: Descriptor; layers: Descriptor[] };
  config: ImageConfig;
}

export function blobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' || hex === undefined || !/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`unsupported digest ${digest}`);
  }
  return join(dir, 'blobs', 'sha256', hex);
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Reads an OCI image layout directory holding exactly one image manifest. */
export async function readLayout(dir: string): Promise<OciImage> {
  const layout = await readJson<{ imageLayoutVersion: string }>(join(dir, 'oci-layout'));
  if (layout.imageLayoutVersion !== '1.0.0') throw new Error(`oci-layout ${layout.imageLayoutVersion}`);
  const index = await readJson<OciImage['index']>(join(dir, 'index.json'));
  const [manifestDescriptor, ...rest] = index.manifests;
  if (manifestDescriptor === undefined || rest.length > 0) {
    throw new Error(`index.json lists ${index.manifests.length} manifests, expected 1`);
  }
  const manifest = await readJson<OciImage['manifest']>(blobPath(dir, manifestDescriptor.digest));
  const config = await readJson<ImageConfig>(blobPath(dir, manifest.config.digest));
  return { dir, index, manifestDescriptor, manifest, config };
}

/** sha256 of a file, or of its gunzipped content. */
export async function sha256Of(path: string, gunzip = false): Promise<string> {
  const hash = createHash('sha256');
  if (gunzip) await pipeline(createReadStream(path), createGunzip(), hash);
  else await pipeline(createReadStream(path), hash);
  return `sha256:${hash.digest('hex')}`;
}

/** Every descriptor whose blob's digest or size disagrees with it, and diff_ids that do not match. */
export async function blobMismatches(image: OciImage): Promise<string[]> {
  const problems: string[] = [];
  const descriptors = [image.manifestDescriptor, image.manifest.config, ...image.manifest.layers];
  for (const d of descriptors) {
    const path = blobPath(image.dir, d.digest);
    const [digest, { size }] = await Promise.all([sha256Of(path), stat(path)]);
    if (digest !== d.digest) problems.push(`${d.digest}: content hashes to ${digest}`);
    if (size !== d.size) problems.push(`${d.digest}: ${size} bytes, descriptor says ${d.size}`);
  }
  const diffIds = await Promise.all(
    image.manifest.layers.map((l) => sha256Of(blobPath(image.dir, l.digest), true)),
  );
  if (JSON.stringify(diffIds) !== JSON.stringify(image.config.rootfs.diff_ids)) {
    problems.push(`diff_ids ${image.config.rootfs.diff_ids.join(',')} != layers ${diffIds.join(',')}`);
  }
  return problems;
}

/**
 * Applies the layers in manifest order onto `root`, as a runtime would. Our layers add files only, so a
 * whiteout entry (deletes) is an error rather than something to apply.
 */
export async function unpackLayers(image: OciImage, root: string): Promise<void> {
  for (const layer of image.manifest.layers) {
    if (layer.mediaType !== 'application/vnd.oci.image.layer.v1.tar+gzip') {
      throw new Error(`layer ${layer.digest} has media type ${layer.mediaType}`);
    }
    const path = blobPath(image.dir, layer.digest);
    const { stdout } = await execFileAsync('tar', ['-tzf', path], { maxBuffer: 64 * 1024 * 1024 });
    const whiteout = stdout.split('\n').find((name) => name.split('/').pop()?.startsWith('.wh.'));
    if (whiteout !== undefined) throw new Error(`layer ${layer.digest} has whiteout ${whiteout}`);
    await execFileAsync('tar', ['-xzf', path, '--numeric-owner', '-C', root]);
  }
}
