// Request validation: collect every violation, then fail once with all of them.
import type { JsonObject } from '@bufbuild/protobuf';
import { invalidArgument, type FieldViolation } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const EMBEDDING_DIMENSIONS = 1536;
export const MAX_METADATA_BYTES = 64 * 1024;

export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, description: string): void {
    this.list.push({ field, description });
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw invalidArgument(this.list);
  }

  /** A required UUID. */
  uuid(field: string, value: string): string {
    if (value === '') this.add(field, 'is required');
    else if (!UUID.test(value)) this.add(field, 'must be a UUID');
    return value.toLowerCase();
  }

  /** An optional UUID: empty means absent. */
  optionalUuid(field: string, value: string): string | undefined {
    if (value === '') return undefined;
    return this.uuid(field, value);
  }

  text(field: string, value: string, opts: { min?: number; max: number; pattern?: RegExp; patternHint?: string }): string {
    const length = [...value].length;
    const min = opts.min ?? 0;
    if (length < min) this.add(field, min === 1 ? 'is required' : `must be at least ${min} characters`);
    else if (length > opts.max) this.add(field, `must be at most ${opts.max} characters`);
    else if (opts.pattern && !opts.pattern.test(value)) this.add(field, opts.patternHint ?? 'has an invalid format');
    return value;
  }

  textList(field: string, values: string[], opts: { maxItems: number; maxLength: number }): string[] {
    if (values.length > opts.maxItems) this.add(field, `must have at most ${opts.maxItems} items`);
    values.forEach((value, i) => this.text(`${field}[${i}]`, value, { max: opts.maxLength }));
    return values;
  }

  pageSize(field: string, value: number): number {
    if (value < 0) {
      this.add(field, 'must not be negative');
      return DEFAULT_PAGE_SIZE;
    }
    if (value === 0) return DEFAULT_PAGE_SIZE;
    return Math.min(value, MAX_PAGE_SIZE);
  }

  /** A proto enum value that must be one of `allowed` (unknown numbers arrive as plain numbers). */
  enumOf<T extends number>(field: string, value: number, allowed: readonly T[], names?: string): T {
    if (!(allowed as readonly number[]).includes(value)) {
      this.add(field, names ? `must be one of ${names}` : 'has an unknown or disallowed value');
    }
    return value as T;
  }

  /** An embedding: empty means none; otherwise exactly 1536 finite values, not all zero. */
  embedding(field: string, values: number[]): number[] | undefined {
    if (values.length === 0) return undefined;
    if (values.length !== EMBEDDING_DIMENSIONS) {
      this.add(field, `must have exactly ${EMBEDDING_DIMENSIONS} values, got ${values.length}`);
    } else if (!values.every(Number.isFinite)) {
      this.add(field, 'must contain only finite numbers (no NaN or Infinity)');
    } else if (values.every((x) => x === 0)) {
      this.add(field, 'must not be all zeros (cosine distance is undefined)');
    }
    return values;
  }

  /** A google.protobuf.Struct, bounded in size. */
  jsonObject(field: string, value: JsonObject | undefined): JsonObject {
    const object = value ?? {};
    if (Buffer.byteLength(JSON.stringify(object)) > MAX_METADATA_BYTES) {
      this.add(field, `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
    }
    return object;
  }

  /** An etag: empty means "no precondition"; otherwise the version it carries. */
  etag(field: string, value: string): string | null {
    if (value === '') return null;
    if (!/^[1-9][0-9]{0,18}$/.test(value)) {
      this.add(field, 'is not an etag this service issued');
      return null;
    }
    return value;
  }

  /** Field mask paths, each one of `allowed`; at least one path. */
  mask(field: string, paths: string[], allowed: readonly string[]): Set<string> {
    if (paths.length === 0) this.add(field, `must name at least one of: ${allowed.join(', ')}`);
    for (const path of paths) {
      if (!allowed.includes(path)) this.add(field, `unknown or read-only path "${path}"; allowed: ${allowed.join(', ')}`);
    }
    return new Set(paths);
  }
}
