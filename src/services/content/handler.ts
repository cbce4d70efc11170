// chimera.content.v1.ContentService: content assets, their lifecycle and video metadata, and
// similarity search over their embeddings.
import { randomUUID } from 'node:crypto';
import type { ServiceImpl } from '@connectrpc/connect';
import type { IDatabaseConnection } from '@pgtyped/runtime';
import { AssetType, ContentService, ContentStatus, type ContentAsset } from '../../gen/proto/chimera/content/v1/content_pb.js';
import { archiveAsset, externalIdTaken, getAsset, getAssetReferences, insertAsset, listAssets, publishAsset, putVideo, updateAsset, type IGetAssetResult } from '../../gen/sql/content/assets.queries.js';
import type { TxClient } from '../../db/tx.js';
import { fingerprint } from '../../lib/canonical.js';
import { alreadyExists, etagMismatch, failedPrecondition, invalidArgument, notFound } from '../../lib/errors.js';
import { jsonBytes } from '../../lib/page-token.js';
import { Violations } from '../../lib/validate.js';
import { embeddingToSql } from '../../lib/vectors.js';
import { tenantScope, type ServiceDeps } from '../deps.js';
import { editable, UPDATE_MOVES } from './lifecycle.js';
import { assetFromRow } from './mapping.js';
import { storedName } from '../../lib/stored.js';
import { searchSimilarContent } from './search.js';
import { validateAssetType, validateConfidence, validateDisclosure, validatePlatform, validateVideo } from './validation.js';

const MASK_PATHS = ['status', 'platform', 'text_content', 'storage_url', 'disclosure_level', 'confidence_score', 'embedding', 'video', 'metadata'];
const STATUSES = [ContentStatus.DRAFT, ContentStatus.IN_REVIEW, ContentStatus.APPROVED, ContentStatus.REJECTED, ContentStatus.PUBLISHED, ContentStatus.ARCHIVED] as const;
const TYPES = [AssetType.TEXT, AssetType.IMAGE, AssetType.VIDEO, AssetType.AUDIO] as const;

/** An asset's JSON size with its embedding, near enough for a page's budget. */
const assetBytes = (r: IGetAssetResult) => 800 + (r.embedding ? 1536 * 24 : 0) + r.text_content.length + jsonBytes(r.metadata, r.video);

export async function existingAsset(client: IDatabaseConnection, tenantId: string, id: string, options = { withEmbedding: true }): Promise<IGetAssetResult> {
  const [row] = await getAsset.run({ tenantId, id, withEmbedding: options.withEmbedding }, client);
  if (!row) throw notFound('content asset', id);
  return row;
}

/** Explains a lifecycle write that changed nothing: a stale etag, or a move from the wrong status. */
function refused(current: IGetAssetResult, expectedVersion: string | null, wanted: string): never {
  if (expectedVersion !== null && current.version !== expectedVersion) throw etagMismatch('content asset', current.id);
  throw failedPrecondition('INVALID_TRANSITION', `content asset ${current.id} is ${current.status}; it cannot become ${wanted}`, {
    resource_id: current.id,
    status: current.status,
  });
}

/** References must be the tenant's own: the agent (live), the campaign and the task. */
async function checkReferences(client: TxClient, tenantId: string, refs: { agentId: string; campaignId: string | null; taskId: string | null }): Promise<void> {
  const [found] = await getAssetReferences.run({ tenantId, ...refs }, client);
  if (found.agent_status === null) throw notFound('agent', refs.agentId);
  if (found.agent_status === 'ARCHIVED') throw failedPrecondition('AGENT_ARCHIVED', `agent ${refs.agentId} is archived`, { resource_id: refs.agentId });
  if (!found.campaign_found) throw notFound('campaign', refs.campaignId!);
  if (!found.task_found) throw notFound('task', refs.taskId!);
}

export function contentService(deps: ServiceDeps): ServiceImpl<typeof ContentService> {
  return {
    async createContentAsset(req, ctx) {
      const v = new Violations();
      const a: ContentAsset | undefined = req.asset;
      if (!a) throw invalidArgument([{ field: 'asset', description: 'is required' }]);
      const id = a.id ? v.uuid('asset.id', a.id) : randomUUID();
      const assetType = validateAssetType(v, 'asset.asset_type', a.assetType);
      const embedding = v.embedding('asset.embedding', a.embedding);
      if (a.video && a.assetType !== AssetType.VIDEO) v.add('asset.video', 'is only for VIDEO assets');
      const video = a.video ? validateVideo(v, 'asset.video', a.video) : null;
      const content = {
        agentId: v.uuid('asset.agent_id', a.agentId),
        campaignId: v.optionalUuid('asset.campaign_id', a.campaignId) ?? null,
        taskId: v.optionalUuid('asset.task_id', a.taskId) ?? null,
        assetType: assetType ?? '',
        platform: validatePlatform(v, 'asset.platform', a.platform),
        textContent: v.text('asset.text_content', a.textContent, { max: 100_000 }),
        storageUrl: v.text('asset.storage_url', a.storageUrl, { max: 2_000 }),
        disclosureLevel: validateDisclosure(v, 'asset.disclosure_level', a.disclosureLevel),
        confidenceScore: validateConfidence(v, 'asset.confidence_score', a.confidenceScore),
        embedding: embeddingToSql(embedding),
        embeddingModel: v.text('asset.embedding_model', a.embeddingModel, { max: 200 }),
        metadata: v.jsonObject('asset.metadata', a.metadata),
        video,
      };
      v.throwIfAny();
      const createFingerprint = fingerprint(content);
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        await checkReferences(client, scope.tenantId, content);
        const [inserted] = await insertAsset.run({ tenantId: scope.tenantId, id, ...content, createFingerprint }, client);
        if (inserted && video) await putVideo.run({ tenantId: scope.tenantId, assetId: id, ...video }, client);
        const stored = await existingAsset(client, scope.tenantId, id);
        if (!inserted && !stored.create_fingerprint.equals(createFingerprint)) {
          throw alreadyExists('ID_TAKEN', `content asset ${id} already exists with different content`, { resource_id: id });
        }
        return stored;
      });
      return { asset: assetFromRow(row) };
    },

    async getContentAsset(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      return { asset: assetFromRow(await deps.db.tenantRead(scope, (client) => existingAsset(client, scope.tenantId, id))) };
    },

    async listContentAssets(req, ctx) {
      const v = new Violations();
      const pageSize = v.pageSize('page_size', req.pageSize);
      if (req.status) v.enumOf('status', req.status, STATUSES, 'a ContentStatus');
      if (req.assetType) v.enumOf('asset_type', req.assetType, TYPES, 'TEXT, IMAGE, VIDEO, AUDIO');
      const filters = {
        agentId: v.optionalUuid('agent_id', req.agentId) ?? null,
        campaignId: v.optionalUuid('campaign_id', req.campaignId) ?? null,
        status: storedName(ContentStatus, req.status),
        assetType: storedName(AssetType, req.assetType),
      };
      const cursor = deps.pageTokens.decode(v, 'page_token', req.pageToken, filters);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const rows = await deps.db.replicaRead(scope, (client) => listAssets.run({ tenantId: scope.tenantId, ...filters, ...cursor, limit: String(pageSize + 1) }, client));
      const page = deps.pageTokens.page(rows, pageSize, filters, { bytesOf: assetBytes });
      return { assets: page.rows.map(assetFromRow), nextPageToken: page.nextPageToken };
    },

    async updateContentAsset(req, ctx) {
      const v = new Violations();
      const a = req.asset;
      if (!a) throw invalidArgument([{ field: 'asset', description: 'is required' }]);
      const id = v.uuid('asset.id', a.id);
      const etag = v.etag('asset.etag', a.etag);
      const mask = v.mask('update_mask.paths', req.updateMask?.paths ?? [], MASK_PATHS);
      const set = (path: string) => mask.has(path);
      const status = set('status') ? storedName(ContentStatus, a.status) : null;
      if (set('status') && (status === null || status === 'PUBLISHED' || status === 'ARCHIVED')) {
        v.add('asset.status', 'must be DRAFT, IN_REVIEW, APPROVED or REJECTED (publish and archive have their own methods)');
      }
      const embedding = set('embedding') ? v.embedding('asset.embedding', a.embedding) : undefined;
      const fields = {
        setPlatform: set('platform'),
        platform: set('platform') ? validatePlatform(v, 'asset.platform', a.platform) : null,
        setText: set('text_content'),
        textContent: set('text_content') ? v.text('asset.text_content', a.textContent, { max: 100_000 }) : '',
        setStorageUrl: set('storage_url'),
        storageUrl: set('storage_url') ? v.text('asset.storage_url', a.storageUrl, { max: 2_000 }) : '',
        setDisclosure: set('disclosure_level'),
        disclosureLevel: set('disclosure_level') ? validateDisclosure(v, 'asset.disclosure_level', a.disclosureLevel) : null,
        setConfidence: set('confidence_score'),
        confidenceScore: set('confidence_score') ? validateConfidence(v, 'asset.confidence_score', a.confidenceScore) : null,
        setEmbedding: set('embedding'),
        embedding: embeddingToSql(embedding),
        embeddingModel: set('embedding') ? v.text('asset.embedding_model', a.embeddingModel, { max: 200 }) : '',
        setMetadata: set('metadata'),
        metadata: set('metadata') ? v.jsonObject('asset.metadata', a.metadata) : {},
      };
      const video = set('video') && a.video ? validateVideo(v, 'asset.video', a.video) : null;
      if (set('video') && !a.video) v.add('asset.video', 'is required when named in the mask');
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const current = await existingAsset(client, scope.tenantId, id);
        const to = status ?? current.status;
        if (!editable(current.status) || !UPDATE_MOVES[current.status].includes(to)) refused(current, etag, to);
        if (video && current.asset_type !== 'VIDEO') throw invalidArgument([{ field: 'asset.video', description: 'is only for VIDEO assets' }]);
        const expectedVersion = etag ?? current.version;
        const [updated] = await updateAsset.run({ tenantId: scope.tenantId, id, status: to, fromStatus: current.status, expectedVersion, ...fields }, client);
        if (!updated) throw etagMismatch('content asset', id);
        if (video) await putVideo.run({ tenantId: scope.tenantId, assetId: id, ...video }, client);
        return existingAsset(client, scope.tenantId, id);
      });
      return { asset: assetFromRow(row) };
    },

    async publishContentAsset(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      const etag = v.etag('etag', req.etag);
      const platform = validatePlatform(v, 'platform', req.platform);
      const externalId = v.text('external_id', req.externalId, { min: 1, max: 200 });
      const disclosureLevel = validateDisclosure(v, 'disclosure_level', req.disclosureLevel);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const current = await existingAsset(client, scope.tenantId, id, { withEmbedding: false });
        if (current.status !== 'APPROVED' || (etag !== null && current.version !== etag)) refused(current, etag, 'PUBLISHED');
        const onPlatform = platform ?? current.platform;
        if (onPlatform === null) throw failedPrecondition('PLATFORM_REQUIRED', `content asset ${id} has no platform: give one`, { resource_id: id });
        if ((disclosureLevel ?? current.disclosure_level) === null) throw failedPrecondition('DISCLOSURE_REQUIRED', `content asset ${id} needs a disclosure level to be published`, { resource_id: id });
        if (current.asset_type === 'VIDEO' && !current.video) throw failedPrecondition('VIDEO_METADATA_REQUIRED', `video asset ${id} needs its video metadata to be published`, { resource_id: id });
        const [{ taken }] = await externalIdTaken.run({ tenantId: scope.tenantId, platform: onPlatform, externalId }, client);
        if (taken) throw alreadyExists('EXTERNAL_ID_TAKEN', `external id ${JSON.stringify(externalId)} is already published on ${onPlatform}`, { resource_id: id });
        const [published] = await publishAsset.run({ tenantId: scope.tenantId, id, platform, disclosureLevel, externalId, expectedVersion: current.version }, client);
        if (!published) throw etagMismatch('content asset', id);
        return existingAsset(client, scope.tenantId, id);
      });
      return { asset: assetFromRow(row) };
    },

    async archiveContentAsset(req, ctx) {
      const v = new Violations();
      const id = v.uuid('id', req.id);
      const etag = v.etag('etag', req.etag);
      v.throwIfAny();
      const scope = tenantScope(ctx, deps);
      const row = await deps.db.tenantTx(scope, async (client) => {
        const current = await existingAsset(client, scope.tenantId, id);
        if (current.status === 'ARCHIVED') return current; // archiving twice is a no-op
        if (etag !== null && current.version !== etag) throw etagMismatch('content asset', id);
        const [archived] = await archiveAsset.run({ tenantId: scope.tenantId, id, expectedVersion: current.version }, client);
        if (!archived) throw etagMismatch('content asset', id);
        return existingAsset(client, scope.tenantId, id);
      });
      return { asset: assetFromRow(row) };
    },

    searchSimilarContent: (req, ctx) => searchSimilarContent(deps, req, ctx),
  };
}
