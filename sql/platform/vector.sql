/* HNSW search settings for this transaction only: keep scanning until enough rows pass the
   tenant's and the caller's filters (pgvector >= 0.8 iterative index scans). Used by every
   similarity search (agents, content). */
/* @name setVectorSearchParams */
SELECT
  set_config('hnsw.ef_search', :efSearch!::text, true) AS "ef_search!",
  set_config('hnsw.iterative_scan', 'relaxed_order', true) AS "iterative_scan!";
