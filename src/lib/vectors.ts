// Embeddings to and from pgvector's text form, for every table with a vector column.
import pgvector from 'pgvector';

export function embeddingToSql(values: number[] | undefined): string | null {
  return values && values.length > 0 ? (pgvector.toSql(values) as string) : null;
}

export function embeddingFromSql(text: string | null): number[] {
  return text ? (pgvector.fromSql(text) as number[]) : [];
}
