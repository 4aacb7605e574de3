import { createHash } from 'node:crypto';

// The byte-level primitives kcp's naming rests on. Each reproduces one Go function exactly, because the
// results are compared with names and labels that kcp (Go) computed.

/** SHA-224 of the UTF-8 bytes of `text` (Go: `sha256.Sum224([]byte(text))`). */
export function sha224(text: string): Uint8Array {
  return new Uint8Array(createHash('sha224').update(text, 'utf8').digest());
}

// Go's `big.Int.Text(base)` digits for bases up to 62.
const GO_BIG_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
// github.com/martinlindhe/base36 (v1.1.1, the version kcp pins) alphabet: upper case.
const BASE36_UPPER = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function digitsOf(value: bigint, alphabet: string): string {
  const base = BigInt(alphabet.length);
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = alphabet.charAt(Number(rest % base)) + out;
    rest /= base;
  }
  return out;
}

/**
 * Go's `new(big.Int).SetBytes(bytes).Text(62)`: the big-endian number in digits `0-9a-zA-Z`, no leading
 * zeros (leading zero bytes vanish), and `"0"` for zero.
 */
export function encodeBase62(bytes: Uint8Array): string {
  return digitsOf(toBigInt(bytes), GO_BIG_DIGITS) || '0';
}

/**
 * `base36.EncodeBytes(bytes)` from github.com/martinlindhe/base36 v1.1.1: the big-endian number in digits
 * `0-9A-Z`, preceded by one `"0"` per leading zero byte (base58-style), and `""` for no bytes. Upper case;
 * kcp lower-cases the result.
 */
export function encodeBase36Bytes(bytes: Uint8Array): string {
  let leadingZeros = 0;
  while (leadingZeros < bytes.length && bytes[leadingZeros] === 0) leadingZeros++;
  return '0'.repeat(leadingZeros) + digitsOf(toBigInt(bytes), BASE36_UPPER);
}

const HEX = '0123456789abcdef';
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  92: '\\\\',
};

// Every unit the loop below writes other than as itself.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what Go escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

/**
 * A string as Go's `encoding/json` (HTML escaping on, Go >= 1.22) writes it: `<`, `>`, `&`, U+2028 and
 * U+2029 as `\u003c`-style escapes, `\b \f \n \r \t \" \\` short, other controls as `\u00XX`, everything else
 * (DEL and non-ASCII included) raw. A lone UTF-16 surrogate, which has no UTF-8 form, becomes `\ufffd` as
 * Go writes an invalid UTF-8 byte. (Go < 1.22 wrote `\b` and `\f` as `\u0008` and `\u000c`; Kubernetes
 * names, UIDs and logical cluster names cannot contain either, so no real hash depends on it.)
 */
export function goJsonString(value: string): string {
  // Names, UIDs and cluster names never need escaping: one test instead of a string built unit by unit.
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const short = SHORT_ESCAPES[unit];
    if (short !== undefined) {
      out += short;
    } else if (unit < 0x20 || unit === 0x3c || unit === 0x3e || unit === 0x26) {
      out += `\\u00${HEX.charAt(unit >> 4)}${HEX.charAt(unit & 0xf)}`;
    } else if (unit === 0x2028 || unit === 0x2029) {
      out += `\\u${unit.toString(16)}`;
    } else if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2);
        i++;
      } else {
        out += '\\ufffd';
      }
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      out += '\\ufffd';
    } else {
      out += value.charAt(i);
    }
  }
  return `${out}"`;
}
