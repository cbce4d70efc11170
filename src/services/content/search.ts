// SearchSimilarContent: the nearest assets by cosine distance, within the caller's tenant and the
// filters given; through the HNSW index with iterative scans, or by brute force with `exact`.
import type { HandlerContext } from '@connectrpc/connect';
import { AssetType, ContentStatus, type SearchSimilarContentRequest } from '../../gen/proto/chimera/content/v1/content_pb.js';
import { Platform } from '../../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { getAssetEmbedding, getAssetsByIds, searchSimilarContent as nearest, searchSimilarContentExact } from '../../gen/sql/content/search.queries.js';
import { setVectorSearchParams } from '../../gen/sql/platform/vector.queries.js';
import { failedPrecondition, notFound } from '../../lib/errors.js';
import { Violations } from '../../lib/validate.js';
import { embeddingToSql } from '../../lib/vectors.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { assetFromRow } from './mapping.js';
import { storedName } from '../../lib/stored.js';
import { validateAssetType, validatePlatform } from './validation.js';

const DEFAULT_TOP_K = 10;
const MAX_TOP_K = 100;
const STATUSES = [ContentStatus.DRAFT, ContentStatus.IN_REVIEW, ContentStatus.APPROVED, ContentStatus.REJECTED, ContentStatus.PUBLISHED, ContentStatus.ARCHIVED] as const;

export async function searchSimilarContent(deps: ServiceDeps, req: SearchSimilarContentRequest, ctx: HandlerContext) {
  const v = new Violations();
  let queryVector: number[] | undefined;
  let fromAssetId: string | undefined;
  if (req.query.case === 'embedding') {
    queryVector = v.embedding('embedding.values', req.query.value.values);
    if (!queryVector) v.add('embedding.values', 'is required');
  } else if (req.query.case === 'assetId') {
    fromAssetId = v.uuid('asset_id', req.query.value);
  } else {
    v.add('query', 'set either embedding or asset_id');
  }
  if (req.topK < 0 || req.topK > MAX_TOP_K) v.add('top_k', `must be between 1 and ${MAX_TOP_K} (0: ${DEFAULT_TOP_K})`);
  if (req.status) v.enumOf('status', req.status, STATUSES, 'a ContentStatus');
  const filters = {
    agentId: v.optionalUuid('agent_id', req.agentId) ?? null,
    campaignId: v.optionalUuid('campaign_id', req.campaignId) ?? null,
    assetType: req.assetType === AssetType.UNSPECIFIED ? null : validateAssetType(v, 'asset_type', req.assetType),
    platform: req.platform === Platform.UNSPECIFIED ? null : validatePlatform(v, 'platform', req.platform),
    status: storedName(ContentStatus, req.status),
  };
  v.throwIfAny();

  const topK = req.topK || DEFAULT_TOP_K;
  const scope = tenantScope(ctx, deps);
  const rows = await deps.db.replicaTx(scope, async (client) => {
    let query = embeddingToSql(queryVector);
    if (fromAssetId) {
      const [source] = await getAssetEmbedding.run({ tenantId: scope.tenantId, id: fromAssetId }, client);
      if (!source) throw notFound('content asset', fromAssetId);
      if (!source.embedding) throw failedPrecondition('NO_EMBEDDING', `content asset ${fromAssetId} has no embedding`, { resource_id: fromAssetId });
      query = source.embedding;
    }
    const params = { tenantId: scope.tenantId, query: query!, ...filters, excludeId: fromAssetId ?? null, limit: String(topK) };
    let found;
    if (req.exact) {
      found = await searchSimilarContentExact.run(params, client);
    } else {
      await setVectorSearchParams.run({ efSearch: String(Math.max(100, 2 * topK)) }, client);
      found = await nearest.run(params, client);
    }
    if (found.length === 0) return [];
    const assets = new Map((await getAssetsByIds.run({ tenantId: scope.tenantId, ids: found.map((f) => f.id) }, client)).map((a) => [a.id, a]));
    return found.map((f) => ({ asset: assets.get(f.id)!, distance: f.distance }));
  });
  return { results: rows.map(({ asset, distance }) => ({ asset: assetFromRow(asset), distance })) };
}
