import { describe, expect, it } from 'vitest';
import { encodeBase36Bytes, encodeBase62, goJsonString, sha224 } from './encoding.js';

// Known answers printed by a throwaway Go 1.26 program (not in the repo) that calls
// github.com/martinlindhe/base36 v1.1.1 `EncodeBytes`, `new(big.Int).SetBytes(b).Text(62)` and
// `json.Marshal(string)` on the inputs below.

const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

describe('encodeBase36Bytes (martinlindhe/base36 EncodeBytes)', () => {
  it.each([
    ['', ''],
    ['00', '0'],
    ['0000', '00'],
    ['01', '1'],
    ['0001', '01'],
    ['ff', '73'],
    ['00ff', '073'],
    ['deadbeef', '1PS9WXB'],
    ['000000010203', '0001EYR'],
  ])('0x%s -> %j', (hex, expected) => {
    expect(encodeBase36Bytes(fromHex(hex))).toBe(expected);
  });
});

describe('encodeBase62 (big.Int.Text(62))', () => {
  it.each([
    ['', '0'],
    ['00', '0'],
    ['01', '1'],
    ['3d', 'Z'],
    ['3e', '10'],
    ['ff', '47'],
    ['0000ff', '47'],
    ['deadbeef', '44PzGf'],
  ])('0x%s -> %j', (hex, expected) => {
    expect(encodeBase62(fromHex(hex))).toBe(expected);
  });
});

describe('sha224', () => {
  it('hashes the UTF-8 bytes (Go: sha256.Sum224)', () => {
    expect(Buffer.from(sha224('root:org:ws:us-west1')).toString('hex')).toBe(
      '7e5d8a1c54707623f14f99967db25957710d8405d40a6bc19c1fe05e',
    );
  });
});

describe('goJsonString (encoding/json, HTML escaping on)', () => {
  it.each([
    ['plain', '"plain"'],
    ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['na"me\\', '"na\\"me\\\\"'],
    ['u\u2028v\u2029w', '"u\\u2028v\\u2029w"'],
    ['root:\u00fc:\u00e9', '"root:\u00fc:\u00e9"'],
    ['tab\there\nnl\r\u0001\u001f\u007f\b\f', '"tab\\there\\nnl\\r\\u0001\\u001f\u007f\\b\\f"'],
    ['\u{1f600}-ns', '"\u{1f600}-ns"'],
  ])('%j', (input, expected) => {
    expect(goJsonString(input)).toBe(expected);
  });

  it('writes a lone surrogate as \\ufffd, as Go writes an invalid UTF-8 byte ("a\\xffb" -> "a\\ufffdb")', () => {
    expect(goJsonString('a\ud800b')).toBe('"a\\ufffdb"');
    expect(goJsonString('a\udc00')).toBe('"a\\ufffd"');
    expect(goJsonString('\ud83d')).toBe('"\\ufffd"');
  });

  it('agrees with JSON.stringify wherever Go does not escape differently', () => {
    const sample = 'kcp-ns_1.2 Ünïcødé \u{1f680} "q" \\ /';
    expect(goJsonString(sample)).toBe(JSON.stringify(sample));
  });

  it('agrees with JSON.stringify on every other UTF-16 unit, inside a name', () => {
    const goOnly = (unit: number) =>
      unit === 0x3c ||
      unit === 0x3e ||
      unit === 0x26 ||
      unit === 0x2028 ||
      unit === 0x2029 ||
      (unit >= 0xd800 && unit <= 0xdfff);
    const differing: number[] = [];
    for (let unit = 0; unit <= 0xffff; unit++) {
      if (goOnly(unit)) continue;
      const name = `ns-${String.fromCharCode(unit)}-x`;
      if (goJsonString(name) !== JSON.stringify(name)) differing.push(unit);
    }
    expect(differing).toEqual([]);
  });
});
