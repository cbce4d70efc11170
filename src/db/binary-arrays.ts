// Array parameters in PostgreSQL's binary format. A batch sends columns of thousands of ids and
// amounts; as text, PostgreSQL parses every element of them (array_in, uuid_in, numeric_in), which
// took a tenth of its time for a 1,000-transfer batch. In binary it copies 16 bytes per id and a
// few base-10000 digits per amount.
//
// A column is marked with `binary(type, values)`: it stays the array it was (so that pgtyped's
// parameter types still hold), and the pipeline (pipeline.ts) sends it encoded. The type must be
// the element type the SQL casts the parameter to: PostgreSQL refuses an array of another one.

const ENCODING = Symbol('binary array encoding');

/** Element types that can be sent in binary, with their type OIDs. */
const OIDS = { uuid: 2950, numeric: 1700, int8: 20, int4: 23, bool: 16, text: 25 } as const;
export type BinaryElement = keyof typeof OIDS;

type Marked = unknown[] & { [ENCODING]?: BinaryElement };

/** `values` itself, marked to be sent as a binary array of `type` wherever it is a parameter (mark
 *  a copy if it is also a parameter of another type). Elements may be null. */
export function binary<T extends unknown[]>(type: BinaryElement, values: T): T {
  Object.defineProperty(values, ENCODING, { value: type, enumerable: false, configurable: true });
  return values;
}

/** The binary encoding of a marked array, or undefined if it is not marked. */
export function encodeIfMarked(values: unknown[]): Buffer | undefined {
  const type = (values as Marked)[ENCODING];
  return type === undefined ? undefined : encodeArray(type, values);
}

/** Bytes each element may take at most, before its 4-byte length (text: computed per element). */
const MAX_SIZE: Record<Exclude<BinaryElement, 'text'>, number> = {
  uuid: 16,
  // 8 bytes of header and up to 10 base-10000 digits for 38 decimal ones (the ledger's limit);
  // longer values are measured as they come.
  numeric: 8 + 2 * 10,
  int8: 8,
  int4: 4,
  bool: 1,
};

/** A one-dimensional array in array_recv's format: header, then each element's length and bytes. */
export function encodeArray(type: BinaryElement, values: unknown[]): Buffer {
  const n = values.length;
  let capacity = 20;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    capacity += 4;
    if (v === null || v === undefined) continue;
    if (type === 'text') capacity += Buffer.byteLength(String(v));
    else if (type === 'numeric') capacity += Math.max(MAX_SIZE.numeric, 8 + 2 * Math.ceil(String(v).length / 4));
    else capacity += MAX_SIZE[type];
  }
  const out = Buffer.allocUnsafe(capacity);
  let hasNull = 0;
  // With no elements: no dimensions (PostgreSQL's empty array).
  out.writeInt32BE(n === 0 ? 0 : 1, 0);
  out.writeInt32BE(OIDS[type], 8);
  let at = 12;
  if (n > 0) {
    out.writeInt32BE(n, 12);
    out.writeInt32BE(1, 16); // lower bound
    at = 20;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      hasNull = 1;
      out.writeInt32BE(-1, at);
      at += 4;
      continue;
    }
    at = ENCODERS[type](v, out, at + 4, at);
  }
  out.writeInt32BE(hasNull, 4);
  return out.subarray(0, at);
}

/** Writes one element's bytes at `at` and its length at `lengthAt`; returns where the next starts. */
type Encoder = (v: unknown, out: Buffer, at: number, lengthAt: number) => number;

const ENCODERS: Record<BinaryElement, Encoder> = {
  uuid(v, out, at, lengthAt) {
    writeUuid(typeof v === 'string' ? v : String(v), out, at);
    out.writeInt32BE(16, lengthAt);
    return at + 16;
  },
  numeric(v, out, at, lengthAt) {
    const end = writeNumeric(typeof v === 'string' ? v : String(v), out, at);
    out.writeInt32BE(end - at, lengthAt);
    return end;
  },
  int8(v, out, at, lengthAt) {
    const n = typeof v === 'bigint' ? v : integerOf(v, 'int8');
    if (n < INT8_MIN || n > INT8_MAX) throw new RangeError(`not an int8: ${String(v)}`);
    out.writeBigInt64BE(BigInt(n), at);
    out.writeInt32BE(8, lengthAt);
    return at + 8;
  },
  int4(v, out, at, lengthAt) {
    const n = Number(integerOf(v, 'int4'));
    if (n < -(2 ** 31) || n >= 2 ** 31) throw new RangeError(`not an int4: ${String(v)}`);
    out.writeInt32BE(n, at);
    out.writeInt32BE(4, lengthAt);
    return at + 4;
  },
  bool(v, out, at, lengthAt) {
    if (typeof v !== 'boolean') throw new TypeError(`not a boolean: ${String(v)}`);
    out[at] = v ? 1 : 0;
    out.writeInt32BE(1, lengthAt);
    return at + 1;
  },
  text(v, out, at, lengthAt) {
    const length = out.write(String(v), at, 'utf8');
    out.writeInt32BE(length, lengthAt);
    return at + length;
  },
};

/** An integer given as a number, or as a string of decimal digits (what int8in and int4in would
 *  read; JavaScript's own conversions also take '', ' 12 ' and '0x10'). */
function integerOf(v: unknown, type: string): bigint | number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v);
  throw new TypeError(`not an ${type}: ${String(v)}`);
}

const INTEGER = /^-?[0-9]+$/;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

/** Hex digit values by character code; -1 for anything else. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

function hexAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  const v = c < 128 ? HEX[c] : -1;
  if (v < 0) throw new TypeError(`not a uuid: ${s}`);
  return v;
}

/** The 16 bytes of a uuid written 8-4-4-4-12, as uuid_in reads it. */
function writeUuid(s: string, out: Buffer, at: number): void {
  if (s.length !== 36 || s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') throw new TypeError(`not a uuid: ${s}`);
  let i = 0;
  for (let b = 0; b < 16; b++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    out[at + b] = (hexAt(s, i) << 4) | hexAt(s, i + 1);
    i += 2;
  }
}

/** Writes a 16-bit big-endian value (Buffer's own writers check their arguments every call). */
function int16(out: Buffer, at: number, value: number): void {
  out[at] = (value >>> 8) & 0xff;
  out[at + 1] = value & 0xff;
}

/** An integer written in decimal, as numeric_send would send it: base-10000 digits, most
 *  significant first, trailing zero digits left out (the weight places the rest); scale 0. */
function writeNumeric(s: string, out: Buffer, at: number): number {
  const negative = s.charCodeAt(0) === 45;
  let start = negative ? 1 : 0;
  if (start === s.length) throw new TypeError(`not an integer: ${s}`);
  while (start < s.length - 1 && s.charCodeAt(start) === 48) start++;
  const digits = s.length - start;
  const groups = Math.ceil(digits / 4);
  // The first group takes what is left over after the others' four digits each.
  let end = start + digits - (groups - 1) * 4;
  let pos = start;
  let ndigits = 0;
  for (let g = 0; g < groups; g++, end += 4) {
    let value = 0;
    for (; pos < end; pos++) {
      const d = s.charCodeAt(pos) - 48;
      if (d < 0 || d > 9) throw new TypeError(`not an integer: ${s}`);
      value = value * 10 + d;
    }
    int16(out, at + 8 + 2 * g, value);
    if (value !== 0) ndigits = g + 1;
  }
  // Zero has no digits at all (and no sign).
  int16(out, at, ndigits);
  int16(out, at + 2, ndigits === 0 ? 0 : groups - 1); // weight
  int16(out, at + 4, negative && ndigits > 0 ? 0x4000 : 0); // sign
  int16(out, at + 6, 0); // dscale
  return at + 8 + 2 * ndigits;
}
