// ContentService: assets and their video metadata, the lifecycle (every move, publishing's
// requirements), bad vectors, references, tenants and scopes, the campaign summary's content
// counts, and similarity search against an exact ranking computed here.
import { randomUUID } from 'node:crypto';
import { Code, type Client } from '@connectrpc/connect';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { expect } from 'chai';
import { CampaignService, Platform } from '../src/gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { AssetType, ContentService, ContentStatus, DisclosureLevel, VideoTier, type ContentAsset, type ContentAssetSchema } from '../src/gen/proto/chimera/content/v1/content_pb.js';
import { countRows, expectError, violatedFields } from './support/fixtures.js';
import { newTaskTenant, type TaskTenant } from './support/tasks.js';

type AssetInit = Exclude<MessageInitShape<typeof ContentAssetSchema>, ContentAsset>;
const VIDEO = { durationMs: 15_000n, width: 1080, height: 1920, frameRate: 30, codec: 'h264', tier: VideoTier.TIER1, topics: ['launch'] };

/** A deterministic pseudo-random unit-ish vector (float32 values, as the API carries them). */
function vector(seed: number): number[] {
  let x = seed * 2654435761 + 1;
  return Array.from({ length: 1536 }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.fround(x / 2147483648 - 0.5);
  });
}

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return 1 - dot / Math.sqrt(na * nb);
}

describe('ContentService', () => {
  let t: TaskTenant;
  let content: Client<typeof ContentService>;
  beforeEach(async () => {
    t = await newTaskTenant();
    content = t.client(ContentService);
  });
  const newAsset = async (overrides: AssetInit = {}) => (await content.createContentAsset({ asset: { agentId: t.agentId, assetType: AssetType.TEXT, textContent: 'gm', ...overrides } })).asset!;

  it('creates a DRAFT asset with its video metadata and embedding; a repeated create returns it; other content is AlreadyExists', async () => {
    const id = randomUUID();
    const asset = await newAsset({ id, assetType: AssetType.VIDEO, video: VIDEO, embedding: vector(1), embeddingModel: 'text-embedding-3-small', confidenceScore: 0.8 });
    expect(asset).to.deep.include({ id, status: ContentStatus.DRAFT, assetType: AssetType.VIDEO, confidenceScore: 0.8, etag: '1' });
    expect(asset.video).to.deep.include({ durationMs: 15_000n, width: 1080, codec: 'h264', tier: VideoTier.TIER1, topics: ['launch'] });
    expect(asset.embedding).to.deep.equal(vector(1));
    expect((await content.getContentAsset({ id })).asset).to.deep.equal(asset);
    expect(await newAsset({ id, assetType: AssetType.VIDEO, video: VIDEO, embedding: vector(1), embeddingModel: 'text-embedding-3-small', confidenceScore: 0.8 })).to.deep.equal(asset);
    await expectError(newAsset({ id }), Code.AlreadyExists, 'ID_TAKEN');
  });

  it('refuses bad vectors and bad assets with field violations, and writes nothing', async () => {
    const cases: Array<[AssetInit, string]> = [
      [{ embedding: vector(1).slice(0, 1535) }, 'asset.embedding'],
      [{ embedding: [...vector(1).slice(0, 1535), Number.NaN] }, 'asset.embedding'],
      [{ embedding: [...vector(1).slice(0, 1535), Number.POSITIVE_INFINITY] }, 'asset.embedding'],
      [{ embedding: new Array(1536).fill(0) }, 'asset.embedding'],
      [{ assetType: AssetType.UNSPECIFIED }, 'asset.asset_type'],
      [{ assetType: 9 as AssetType }, 'asset.asset_type'],
      [{ video: VIDEO }, 'asset.video'],
      [{ assetType: AssetType.VIDEO, video: { ...VIDEO, width: 0 } }, 'asset.video.width'],
      [{ confidenceScore: 1.5 }, 'asset.confidence_score'],
      [{ agentId: 'x' }, 'asset.agent_id'],
    ];
    for (const [overrides, field] of cases) expect(violatedFields(await expectError(newAsset(overrides), Code.InvalidArgument)), field).to.include(field);
    await expectError(newAsset({ campaignId: randomUUID() }), Code.NotFound);
    await expectError(newAsset({ taskId: randomUUID() }), Code.NotFound);
    await expectError(newAsset({ agentId: (await newTaskTenant()).agentId }), Code.NotFound);
    expect(await countRows('content_assets', t.tenant.id)).to.equal(0);
  });

  it('moves along the lifecycle only: updates into and out of review, publish from APPROVED, archive from anything', async () => {
    const at = async (path: ContentStatus[], overrides: AssetInit = {}) => {
      let asset = await newAsset(overrides);
      for (const status of path) asset = (await content.updateContentAsset({ asset: { id: asset.id, status }, updateMask: { paths: ['status'] } })).asset!;
      return asset;
    };
    const { DRAFT, IN_REVIEW, APPROVED, REJECTED } = ContentStatus;
    const moves: Array<[ContentStatus[], ContentStatus, boolean]> = [
      [[], IN_REVIEW, true],
      [[], APPROVED, false],
      [[IN_REVIEW], APPROVED, true],
      [[IN_REVIEW], REJECTED, true],
      [[IN_REVIEW], DRAFT, true],
      [[IN_REVIEW, REJECTED], DRAFT, true],
      [[IN_REVIEW, REJECTED], APPROVED, false],
      [[IN_REVIEW, APPROVED], IN_REVIEW, false],
    ];
    for (const [path, to, ok] of moves) {
      const asset = await at(path);
      const call = content.updateContentAsset({ asset: { id: asset.id, status: to }, updateMask: { paths: ['status'] } });
      if (ok) expect((await call).asset!.status).to.equal(to);
      else await expectError(call, Code.FailedPrecondition, 'INVALID_TRANSITION');
    }
    // Publishing: only from APPROVED, with a disclosure, a platform and (for video) metadata.
    const draft = await at([]);
    await expectError(content.publishContentAsset({ id: draft.id, platform: Platform.TIKTOK, externalId: 'p1', disclosureLevel: DisclosureLevel.AUTOMATED }), Code.FailedPrecondition, 'INVALID_TRANSITION');
    const approved = await at([IN_REVIEW, APPROVED]);
    await expectError(content.publishContentAsset({ id: approved.id, platform: Platform.TIKTOK, externalId: 'p1' }), Code.FailedPrecondition, 'DISCLOSURE_REQUIRED');
    await expectError(content.publishContentAsset({ id: approved.id, externalId: 'p1', disclosureLevel: DisclosureLevel.AUTOMATED }), Code.FailedPrecondition, 'PLATFORM_REQUIRED');
    const video = await at([IN_REVIEW, APPROVED], { assetType: AssetType.VIDEO });
    await expectError(content.publishContentAsset({ id: video.id, platform: Platform.TIKTOK, externalId: 'v1', disclosureLevel: DisclosureLevel.ASSISTED }), Code.FailedPrecondition, 'VIDEO_METADATA_REQUIRED');
    const { asset: published } = await content.publishContentAsset({ id: approved.id, etag: approved.etag, platform: Platform.TIKTOK, externalId: 'p1', disclosureLevel: DisclosureLevel.AUTOMATED });
    expect(published).to.deep.include({ status: ContentStatus.PUBLISHED, platform: Platform.TIKTOK, externalId: 'p1', disclosureLevel: DisclosureLevel.AUTOMATED });
    expect(published!.publishTime).to.not.equal(undefined);
    const another = await at([IN_REVIEW, APPROVED]);
    await expectError(content.publishContentAsset({ id: another.id, platform: Platform.TIKTOK, externalId: 'p1', disclosureLevel: DisclosureLevel.NONE }), Code.AlreadyExists, 'EXTERNAL_ID_TAKEN');
    // A published asset cannot be edited; it can be archived, once (twice is a no-op).
    await expectError(content.updateContentAsset({ asset: { id: published!.id, textContent: 'edit' }, updateMask: { paths: ['text_content'] } }), Code.FailedPrecondition, 'INVALID_TRANSITION');
    const { asset: archived } = await content.archiveContentAsset({ id: published!.id });
    expect(archived!.status).to.equal(ContentStatus.ARCHIVED);
    expect((await content.archiveContentAsset({ id: published!.id })).asset).to.deep.equal(archived);
    await expectError(content.updateContentAsset({ asset: { id: archived!.id, status: DRAFT }, updateMask: { paths: ['status'] } }), Code.FailedPrecondition, 'INVALID_TRANSITION');
    await expectError(content.updateContentAsset({ asset: { id: draft.id, status: ContentStatus.PUBLISHED }, updateMask: { paths: ['status'] } }), Code.InvalidArgument);
  });

  it('updates the fields in the mask with the etag, video metadata included; a stale etag is Aborted', async () => {
    const asset = await newAsset({ assetType: AssetType.VIDEO });
    const { asset: updated } = await content.updateContentAsset({
      asset: { id: asset.id, etag: asset.etag, textContent: 'caption', video: VIDEO, embedding: vector(3), embeddingModel: 'm' },
      updateMask: { paths: ['text_content', 'video', 'embedding'] },
    });
    expect(updated).to.deep.include({ textContent: 'caption', embeddingModel: 'm', etag: '2' });
    expect(updated!.video?.codec).to.equal('h264');
    await expectError(content.updateContentAsset({ asset: { id: asset.id, etag: asset.etag, textContent: 'x' }, updateMask: { paths: ['text_content'] } }), Code.Aborted, 'ETAG_MISMATCH');
    const text = await newAsset();
    await expectError(content.updateContentAsset({ asset: { id: text.id, video: VIDEO }, updateMask: { paths: ['video'] } }), Code.InvalidArgument);
    await expectError(content.updateContentAsset({ asset: { id: randomUUID(), textContent: 'x' }, updateMask: { paths: ['text_content'] } }), Code.NotFound);
  });

  it('lists assets oldest first, filtered, in pages bound to their filters, without embeddings', async () => {
    const made = [await newAsset({ embedding: vector(7) }), await newAsset({ assetType: AssetType.IMAGE }), await newAsset(), await newAsset({ assetType: AssetType.IMAGE })];
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await content.listContentAssets({ pageSize: 1, pageToken, assetType: AssetType.IMAGE });
      seen.push(...page.assets.map((a) => a.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).to.deep.equal([made[1].id, made[3].id]);
    const all = await content.listContentAssets({ agentId: t.agentId, status: ContentStatus.DRAFT });
    expect(all.assets.map((a) => a.id)).to.deep.equal(made.map((a) => a.id));
    expect(all.assets[0].embedding, 'lists leave embeddings out').to.deep.equal([]);
    const first = await content.listContentAssets({ pageSize: 1, assetType: AssetType.IMAGE });
    await expectError(content.listContentAssets({ pageSize: 1, pageToken: first.nextPageToken }), Code.InvalidArgument);
    await expectError(content.listContentAssets({ status: 17 as ContentStatus }), Code.InvalidArgument);
  });

  it('the campaign summary counts content by status and platform, and what was published', async () => {
    const campaigns = t.client(CampaignService);
    const c = (await campaigns.createCampaign({ campaign: { name: 'C', goalDescription: 'A goal long enough' } })).campaign!;
    await newAsset({ campaignId: c.id, platform: Platform.TWITTER });
    await newAsset({ campaignId: c.id, platform: Platform.TWITTER });
    const a = await newAsset({ campaignId: c.id });
    for (const status of [ContentStatus.IN_REVIEW, ContentStatus.APPROVED]) await content.updateContentAsset({ asset: { id: a.id, status }, updateMask: { paths: ['status'] } });
    await content.publishContentAsset({ id: a.id, platform: Platform.THREADS, externalId: 't1', disclosureLevel: DisclosureLevel.AUTOMATED });
    await newAsset(); // not in the campaign
    const { summary } = await campaigns.getCampaignSummary({ id: c.id });
    expect(summary!.contentByStatus.map((x) => [x.status, Platform[x.platform], Number(x.count)])).to.deep.equal([
      ['DRAFT', 'TWITTER', 2],
      ['PUBLISHED', 'THREADS', 1],
    ]);
    expect(summary!.publishedCount).to.equal(1n);
  });

  it('another tenant\'s assets behave as if they did not exist; each method needs its scope', async () => {
    const asset = await newAsset({ embedding: vector(5) });
    const other = (await newTaskTenant()).client(ContentService);
    await expectError(other.getContentAsset({ id: asset.id }), Code.NotFound);
    await expectError(other.updateContentAsset({ asset: { id: asset.id, textContent: 'x' }, updateMask: { paths: ['text_content'] } }), Code.NotFound);
    await expectError(other.publishContentAsset({ id: asset.id, platform: Platform.TIKTOK, externalId: 'x', disclosureLevel: DisclosureLevel.NONE }), Code.NotFound);
    await expectError(other.archiveContentAsset({ id: asset.id }), Code.NotFound);
    await expectError(other.searchSimilarContent({ query: { case: 'assetId', value: asset.id } }), Code.NotFound);
    expect((await other.searchSimilarContent({ query: { case: 'embedding', value: { values: vector(5) } } })).results).to.have.length(0);
    expect((await other.listContentAssets({})).assets).to.have.length(0);
    const reader = await newTaskTenant({ scopes: ['content:read'] });
    await expectError(reader.client(ContentService).createContentAsset({ asset: { agentId: reader.agentId, assetType: AssetType.TEXT } }), Code.PermissionDenied);
  });
});

describe('ContentService: similarity search', () => {
  it('returns the exact nearest in order, within the tenant and the filters, also when a filter matches 1 %', async function () {
    this.timeout(120_000);
    const t = await newTaskTenant();
    const content = t.client(ContentService);
    const { agent: rare } = await t.agents.createAgent({ agent: { handle: `rare_${randomUUID().slice(0, 6)}` } });
    const stored: Array<{ id: string; values: number[]; rare: boolean }> = [];
    for (let i = 0; i < 300; i++) {
      const isRare = i % 100 === 7; // 3 of 300: 1 %
      const values = vector(1_000 + i);
      const { asset } = await content.createContentAsset({ asset: { agentId: isRare ? rare!.id : t.agentId, assetType: AssetType.TEXT, embedding: values } });
      stored.push({ id: asset!.id, values, rare: isRare });
    }
    // Another tenant's copy of the same vectors must never show up.
    const other = await newTaskTenant();
    for (let i = 0; i < 20; i++) await other.client(ContentService).createContentAsset({ asset: { agentId: other.agentId, assetType: AssetType.TEXT, embedding: vector(1_000 + i) } });

    const exactRanking = (query: number[], among: typeof stored, k: number) =>
      among
        .map((s) => ({ id: s.id, d: cosineDistance(query, s.values) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, k)
        .map((s) => s.id);
    for (const seed of [1_005, 1_150, 1_299]) {
      const query = vector(seed).map((x, i) => Math.fround(x + (i % 7 === 0 ? 0.01 : 0)));
      const expected = exactRanking(query, stored, 10);
      const ann = await content.searchSimilarContent({ query: { case: 'embedding', value: { values: query } }, topK: 10 });
      expect(ann.results.map((r) => r.asset!.id), `seed ${seed}, index`).to.deep.equal(expected);
      const exact = await content.searchSimilarContent({ query: { case: 'embedding', value: { values: query } }, topK: 10, exact: true });
      expect(exact.results.map((r) => r.asset!.id), `seed ${seed}, exact`).to.deep.equal(expected);
      expect(exact.results[0].distance).to.be.closeTo(cosineDistance(query, stored.find((s) => s.id === expected[0])!.values), 1e-4);
      // A filter that matches 1 % of the assets still fills top_k from them.
      const filtered = await content.searchSimilarContent({ query: { case: 'embedding', value: { values: query } }, topK: 3, agentId: rare!.id });
      expect(filtered.results.map((r) => r.asset!.id)).to.deep.equal(exactRanking(query, stored.filter((s) => s.rare), 3));
    }
    // From an asset's own embedding: the others nearest to it, itself left out.
    const from = stored[42];
    const near = await content.searchSimilarContent({ query: { case: 'assetId', value: from.id }, topK: 5 });
    expect(near.results.map((r) => r.asset!.id)).to.deep.equal(exactRanking(from.values, stored.filter((s) => s.id !== from.id), 5));
    await expectError(content.searchSimilarContent({ query: { case: 'embedding', value: { values: [1, 2] } } }), Code.InvalidArgument);
    await expectError(content.searchSimilarContent({ query: { case: 'assetId', value: from.id }, topK: 101 }), Code.InvalidArgument);
    await expectError(content.searchSimilarContent({}), Code.InvalidArgument);
  });
});
