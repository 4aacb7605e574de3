import protobuf from 'protobufjs';
import { readDataFile } from './data-file.js';

/** What scripts/generate-api-data.mjs extracted from k8s.io/api and the Go types (data/kube-proto.json.br). */
interface ProtoData {
  kubernetes: string;
  descriptor: protobuf.INamespace;
  /** `group/version/Kind` -> proto message full name (no leading dot). */
  kinds: Record<string, string>;
  /** message full name -> proto field name -> `flags[:jsonName]` (o omitempty, z omitzero, p pointer, i inline). */
  fields: Record<string, Record<string, string>>;
}

/** How one proto field shows in JSON, from the Go struct field's tags. */
export interface FieldJson {
  name: string;
  omitEmpty: boolean;
  omitZero: boolean;
  pointer: boolean;
  /** Go embeds the struct with `json:",inline"`: its fields show in the parent object. */
  inline: boolean;
}

export interface KubeProto {
  /** The Kubernetes version the .proto files come from. */
  kubernetes: string;
  root: protobuf.Root;
  /** The message of a built-in kind, or undefined when the kind has no protobuf form (custom resources). */
  messageOf(apiVersion: string, kind: string): protobuf.Type | undefined;
  /** JSON details of a field of a message; fields the Go types do not describe map to themselves. */
  fieldJson(type: protobuf.Type, field: protobuf.Field): FieldJson;
}

let loaded: KubeProto | undefined;

const META_PACKAGE = 'k8s.io.apimachinery.pkg.apis.meta.v1.';

function metaKind(name: string | undefined): string | undefined {
  return name?.startsWith(META_PACKAGE) ? name : undefined;
}

/** The protobuf definitions of the simulator's built-in kinds, decompressed and resolved once per process. */
export function kubeProto(): KubeProto {
  loaded ??= load();
  return loaded;
}

function load(): KubeProto {
  const data = readDataFile<ProtoData>('kube-proto.json.br');
  const root = protobuf.Root.fromJSON(data.descriptor);
  root.resolveAll();
  const cache = new Map<protobuf.Field, FieldJson>();
  return {
    kubernetes: data.kubernetes,
    root,
    messageOf(apiVersion, kind) {
      const slash = apiVersion.indexOf('/');
      const key = slash < 0 ? `/${apiVersion}/${kind}` : `${apiVersion}/${kind}`;
      // meta/v1 kinds (DeleteOptions, Status, WatchEvent) are registered in every group; the data lists them once.
      const name = data.kinds[key] ?? metaKind(data.kinds[`/v1/${kind}`]);
      return name === undefined ? undefined : root.lookupType(name);
    },
    fieldJson(type, field) {
      let out = cache.get(field);
      if (out) return out;
      const spec = data.fields[type.fullName.slice(1)]?.[field.name] ?? '';
      const [flags = '', name] = spec.split(':');
      out = {
        name: name ?? field.name,
        omitEmpty: flags.includes('o'),
        omitZero: flags.includes('z'),
        pointer: flags.includes('p'),
        inline: flags.includes('i'),
      };
      cache.set(field, out);
      return out;
    },
  };
}
