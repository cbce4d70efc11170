// Requests for any method as Connect JSON, derived from its input message's descriptor: mostly
// well-typed values (ids of rows that exist and ids that do not, boundaries of every integer type,
// unicode, empty and oversize strings, enums in and out of range, nested messages, repeated fields
// empty and big) with, at every field, a chance of a value of the wrong JSON type, and at the top a
// chance of a body that is no message at all.
import { ScalarType, type DescEnum, type DescField, type DescMessage } from '@bufbuild/protobuf';
import fc from 'fast-check';

/** Ids the generated requests pick from: of rows the tenant has (grown as responses name more),
 *  and the etags and page tokens the service issued. */
export class IdPool {
  readonly ids: string[] = [];
  readonly tokens: string[] = [];

  /** `excluded`: ids never to be picked, though a response names them. */
  constructor(private readonly excluded: string[] = []) {}

  add(id: string): void {
    if (!this.ids.includes(id) && !this.excluded.includes(id) && this.ids.length < 200) this.ids.push(id);
  }

  /** Every UUID in a response body, so that later requests can name what earlier ones made. */
  harvest(body: unknown): void {
    if (typeof body === 'string' && UUID.test(body)) this.add(body);
    else if (Array.isArray(body)) body.forEach((v) => this.harvest(v));
    else if (body && typeof body === 'object') {
      for (const [key, value] of Object.entries(body)) {
        if ((key === 'etag' || key === 'nextPageToken') && typeof value === 'string' && value && this.tokens.length < 200) this.tokens.push(value);
        else this.harvest(value);
      }
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_DEPTH = 3;
/** Past the server's 4 MiB message limit. */
const OVERSIZE = 'x'.repeat(4_300_000);
const EMBEDDING_DIMENSIONS = 1536;

/** Any JSON value: what a field of the wrong type gets. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const INT32_BOUNDS = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32, 1e100, 0.5];
const UINT32_BOUNDS = [0, 1, 2 ** 32 - 1, 2 ** 32, -1];
const INT64_BOUNDS = ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '-9223372036854775809', '18446744073709551615', '1e3', ' 1', '0x10'];

function stringValue(field: DescField, ids: IdPool): fc.Arbitrary<unknown> {
  const known = fc.constantFrom(...(ids.ids.length > 0 ? ids.ids : ['00000000-0000-4000-8000-000000000000']));
  const weird = fc.constantFrom('', ' ', '\u0000', '\ud800', "'; DROP TABLE agents; --", '%s%n', '../../etc/passwd', 'Ω≈ç√∫ 漢字 🚀', 'a'.repeat(65), 'x'.repeat(70_000));
  const looksLikeId = /(^|_)ids?$/.test(field.name);
  if ((field.name === 'etag' || field.name === 'page_token') && ids.tokens.length > 0) {
    return fc.oneof({ arbitrary: fc.constantFrom(...ids.tokens), weight: 4 }, { arbitrary: fc.constant(''), weight: 2 }, { arbitrary: fc.string({ maxLength: 20 }), weight: 1 });
  }
  return fc.oneof(
    { arbitrary: known, weight: looksLikeId ? 4 : 1 },
    { arbitrary: fc.uuid(), weight: looksLikeId ? 2 : 1 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
    { arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), weight: 1 },
    { arbitrary: weird, weight: 2 },
  );
}

function scalarValue(field: DescField, scalar: ScalarType, ids: IdPool): fc.Arbitrary<unknown> {
  switch (scalar) {
    case ScalarType.STRING:
      return stringValue(field, ids);
    case ScalarType.BOOL:
      return fc.oneof(fc.boolean(), fc.constantFrom('true', 1));
    case ScalarType.BYTES:
      return fc.oneof(fc.base64String({ maxLength: 40 }), fc.constantFrom('not base64!', '', '===='));
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e39', 0, -0));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.oneof(fc.constantFrom(...INT64_BOUNDS), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), fc.integer());
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.oneof(fc.constantFrom(...UINT32_BOUNDS), fc.nat());
    default:
      return fc.oneof(fc.constantFrom(...INT32_BOUNDS), fc.integer({ min: -1_000, max: 1_000 }), fc.integer());
  }
}

function enumValue(desc: DescEnum): fc.Arbitrary<unknown> {
  const names = desc.values.map((v) => v.name);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...names), weight: 4 },
    { arbitrary: fc.constantFrom(...desc.values.map((v) => v.number)), weight: 1 },
    { arbitrary: fc.constantFrom(-1, 99, 2 ** 31 - 1, `${desc.name}_NOT_A_VALUE`), weight: 1 },
  );
}

/** Well-known types have JSON forms of their own. */
function wellKnown(desc: DescMessage): fc.Arbitrary<unknown> | undefined {
  switch (desc.typeName) {
    case 'google.protobuf.Timestamp':
      return fc.oneof(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '10000-01-01T00:00:00Z', 'yesterday'));
    case 'google.protobuf.Duration':
      return fc.oneof(fc.integer({ min: -100, max: 100_000 }).map((s) => `${s}s`), fc.constantFrom('0.5s', '315576000001s', '1h', '-0.000000001s'));
    case 'google.protobuf.FieldMask':
      return fc.oneof(fc.array(fc.constantFrom(...desc.fields.map((f) => f.jsonName), 'displayName', 'persona.name', 'status', 'metadata', 'nope')).map((p) => p.join(',')), fc.constant(''));
    case 'google.protobuf.Struct':
      return fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), fc.constant({ big: 'y'.repeat(70_000) }));
    case 'google.protobuf.Value':
      return fc.jsonValue({ maxDepth: 2 });
    case 'google.protobuf.Empty':
      return fc.constant({});
    default:
      return desc.typeName.startsWith('google.protobuf.') && desc.typeName.endsWith('Value') ? fc.jsonValue({ maxDepth: 0 }) : undefined;
  }
}

function singular(field: DescField, kind: 'scalar' | 'enum' | 'message', ids: IdPool, depth: number): fc.Arbitrary<unknown> {
  if (kind === 'enum') return enumValue(field.enum!);
  if (kind === 'message') return messageValue(field.message!, ids, depth + 1);
  return scalarValue(field, field.scalar!, ids);
}

function fieldValue(field: DescField, ids: IdPool, depth: number): fc.Arbitrary<unknown> {
  let value: fc.Arbitrary<unknown>;
  if (field.fieldKind === 'list') {
    const element = singular(field, field.listKind, ids, depth);
    const floats = field.listKind === 'scalar' && (field.scalar === ScalarType.FLOAT || field.scalar === ScalarType.DOUBLE);
    value = fc.oneof(
      { arbitrary: fc.array(element, { maxLength: 3 }), weight: 6 },
      // Big: a thousand and one of one element (past most batch limits), or a full embedding.
      { arbitrary: element.map((e) => Array.from({ length: 1_001 }, () => e)), weight: 1 },
      { arbitrary: fc.constant(floats ? Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => (i % 7) / 7) : []), weight: floats ? 2 : 1 },
    );
  } else if (field.fieldKind === 'map') {
    value = fc.dictionary(fc.string({ maxLength: 8 }), field.mapKind === 'message' ? messageValue(field.message, ids, depth + 1) : wrongType, { maxKeys: 3 });
  } else {
    value = singular(field, field.fieldKind, ids, depth);
  }
  return fc.oneof({ arbitrary: value, weight: 40 }, { arbitrary: wrongType, weight: 1 });
}

/** A JSON object for `desc`, any subset of its fields set (by JSON name, now and then by proto name). */
export function messageValue(desc: DescMessage, ids: IdPool, depth = 0): fc.Arbitrary<unknown> {
  const known = wellKnown(desc);
  if (known) return known;
  if (depth >= MAX_DEPTH) return fc.constant({});
  const fields = Object.fromEntries(desc.fields.map((f) => [f.jsonName, fieldValue(f, ids, depth)]));
  const unknown = fc.oneof({ arbitrary: fc.constant(undefined), weight: 30 }, { arbitrary: fc.string({ maxLength: 6 }), weight: 1 });
  return fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.boolean(), unknown).map(([object, protoNames, extra]) => {
    const out: Record<string, unknown> = {};
    for (const f of desc.fields) if (f.jsonName in object) out[protoNames ? f.name : f.jsonName] = (object as Record<string, unknown>)[f.jsonName];
    if (extra !== undefined) out[`unknown_${extra}`] = 1;
    return out;
  });
}

/** The field an oversize request fills: its first string field, else any name. */
function oversizeField(input: DescMessage): string {
  return input.fields.find((f) => f.fieldKind === 'scalar' && f.scalar === ScalarType.STRING)?.jsonName ?? 'padding';
}

/** A request body for a method taking `input`: mostly a message, sometimes not JSON of an object. */
export function requestBody(input: DescMessage, ids: IdPool): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: messageValue(input, ids).map((v) => JSON.stringify(v)), weight: 60 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: fc.constantFrom('', '{', '{"a":}', '[1,2', '\u0000', '{"__proto__": {"polluted": 1}}'), weight: 2 },
    { arbitrary: fc.constant(JSON.stringify({ [oversizeField(input)]: OVERSIZE })), weight: 1 },
  );
}
