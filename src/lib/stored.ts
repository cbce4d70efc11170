// How the services store protobuf values in columns, both ways, where the same rule serves all.
import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';

/** The stored name of an enum value is its name without the prefix (TaskStatus[value], e.g.
 *  "PENDING"); null for 0 and for numbers the enum does not know (validation refuses those). */
export function storedName(names: Record<number, string>, value: number): string | null {
  return value === 0 ? null : (names[value] ?? null);
}

/** A nullable timestamptz column as an optional Timestamp. */
export function optionalTimestamp(date: Date | null): Timestamp | undefined {
  return date ? timestampFromDate(date) : undefined;
}
