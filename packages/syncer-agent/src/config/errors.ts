/** Where a setting came from, so an error can say where to fix it. */
export type OptionSource =
  | { readonly kind: 'flag' }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'default' };

/**
 * A setting that cannot be used. The message names the flag (`--qps`) and, when the value came from the
 * environment or the config file, where it came from. The CLI prints it and exits with code 2.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;

  constructor(
    readonly field: string,
    readonly reason: string,
    readonly source: OptionSource = { kind: 'flag' },
  ) {
    super(`${field}${describeSource(source)}: ${reason}`);
  }
}

function describeSource(source: OptionSource): string {
  switch (source.kind) {
    case 'env':
      return ` (from ${source.variable})`;
    case 'file':
      return ` (from ${source.path})`;
    default:
      return '';
  }
}
