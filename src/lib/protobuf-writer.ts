// A minimal protobuf binary writer for hand-written encoders of hot responses
// (src/services/agents/encoding.ts). It writes into one growing buffer and fills in the length of a
// nested message when the message ends, moving its bytes when the length needs more than one byte;
// protobuf-es's reflective toBinary builds and joins a buffer per nested message instead. Its
// output is compared byte for byte with toBinary's by the encoders' tests.

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

export class ProtobufWriter {
  private buf = Buffer.allocUnsafe(1024);
  private pos = 0;

  /** The bytes written so far (a view of the writer's buffer). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A string field, the empty string included (proto3 callers skip it themselves). */
  string(field: number, value: string): void {
    const length = Buffer.byteLength(value);
    this.tag(field, LENGTH_DELIMITED);
    this.varint(length);
    this.room(length);
    // The same UTF-8 as protobuf-es's encoder (a lone surrogate becomes U+FFFD).
    this.pos += this.buf.write(value, this.pos);
  }

  /** An int32 or enum field: a negative value takes ten bytes, as protobuf-es writes it. */
  int32(field: number, value: number): void {
    this.tag(field, VARINT);
    if (value >= 0) this.varint(value);
    else this.varint64(BigInt.asUintN(64, BigInt(value)));
  }

  int64(field: number, value: bigint): void {
    this.tag(field, VARINT);
    this.varint64(BigInt.asUintN(64, value));
  }

  bool(field: number, value: boolean): void {
    this.tag(field, VARINT);
    this.varint(value ? 1 : 0);
  }

  double(field: number, value: number): void {
    this.tag(field, FIXED64);
    this.room(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  /** A packed repeated float field; nothing when empty, as protobuf-es writes it. */
  packedFloats(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    this.tag(field, LENGTH_DELIMITED);
    this.varint(values.length * 4);
    this.room(values.length * 4);
    for (const value of values) this.pos = this.buf.writeFloatLE(value, this.pos);
  }

  /** Starts a nested message field; pass what it returns to end() once its fields are written. */
  begin(field: number): number {
    this.tag(field, LENGTH_DELIMITED);
    this.room(1);
    return this.pos++; // one byte kept for the length, enough below 128 bytes
  }

  end(lengthAt: number): void {
    const length = this.pos - lengthAt - 1;
    if (length < 128) {
      this.buf[lengthAt] = length;
      return;
    }
    let size = 1;
    for (let n = length; n > 127; n >>>= 7) size++;
    this.room(size - 1);
    this.buf.copyWithin(lengthAt + size, lengthAt + 1, this.pos);
    this.pos += size - 1;
    const end = this.pos;
    this.pos = lengthAt;
    this.varint(length);
    this.pos = end;
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** A non-negative number below 2^32. */
  private varint(value: number): void {
    this.room(5);
    while (value > 127) {
      this.buf[this.pos++] = (value & 127) | 128;
      value >>>= 7;
    }
    this.buf[this.pos++] = value;
  }

  private varint64(value: bigint): void {
    this.room(10);
    while (value > 127n) {
      this.buf[this.pos++] = Number(value & 127n) | 128;
      value >>= 7n;
    }
    this.buf[this.pos++] = Number(value);
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
