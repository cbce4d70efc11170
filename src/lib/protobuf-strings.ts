// protobuf-es encodes every string field through TextEncoder. Buffer.from gives the same UTF-8
// bytes (a lone surrogate becomes U+FFFD in both; test/protobuf-strings.test.ts) at a third of
// the cost: about 7 µs of encoding a GetAgent response. Decoding stays as protobuf-es has it.
import { configureTextEncoding, getTextEncoding } from '@bufbuild/protobuf/wire';

/** Makes protobuf-es encode strings with Buffer.from, for the whole process. */
export function encodeProtobufStringsWithBuffer(): void {
  const { decodeUtf8, checkUtf8 } = getTextEncoding();
  configureTextEncoding({ encodeUtf8: (text) => Buffer.from(text, 'utf8'), decodeUtf8, checkUtf8 });
}
