// Rows <-> messages for ContentService. Enums are stored by their names.
import { create, type JsonObject } from '@bufbuild/protobuf';
import { optionalTimestamp } from '../../lib/stored.js';
import { Platform } from '../../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { AssetType, ContentAssetSchema, ContentStatus, DisclosureLevel, VideoTier, type ContentAsset, type VideoMetadata } from '../../gen/proto/chimera/content/v1/content_pb.js';
import type { IGetAssetResult } from '../../gen/sql/content/assets.queries.js';
import { embeddingFromSql } from '../../lib/vectors.js';

const fromName = <E>(names: Record<string, E | string>, name: string | null, fallback: E): E =>
  name !== null && typeof names[name] === 'number' ? (names[name] as E) : fallback;

/** content_videos as getAsset returns it (to_jsonb of the row). */
export interface VideoRow {
  duration_ms: number;
  width: number;
  height: number;
  frame_rate: number;
  codec: string;
  bitrate_kbps: number | null;
  file_size_bytes: number | null;
  tier: string | null;
  thumbnail_url: string;
  transcript: string;
  topics: string[];
}

function videoFromRow(v: VideoRow): VideoMetadata {
  return {
    $typeName: 'chimera.content.v1.VideoMetadata',
    durationMs: BigInt(v.duration_ms),
    width: v.width,
    height: v.height,
    frameRate: v.frame_rate,
    codec: v.codec,
    bitrateKbps: v.bitrate_kbps ?? 0,
    fileSizeBytes: BigInt(v.file_size_bytes ?? 0),
    tier: fromName(VideoTier, v.tier, VideoTier.UNSPECIFIED),
    thumbnailUrl: v.thumbnail_url,
    transcript: v.transcript,
    topics: v.topics,
  };
}

export function assetFromRow(row: IGetAssetResult): ContentAsset {
  return create(ContentAssetSchema, {
    id: row.id,
    agentId: row.agent_id,
    campaignId: row.campaign_id ?? '',
    taskId: row.task_id ?? '',
    assetType: fromName(AssetType, row.asset_type, AssetType.UNSPECIFIED),
    platform: fromName(Platform, row.platform, Platform.UNSPECIFIED),
    status: fromName(ContentStatus, row.status, ContentStatus.UNSPECIFIED),
    textContent: row.text_content,
    storageUrl: row.storage_url,
    externalId: row.external_id ?? '',
    disclosureLevel: fromName(DisclosureLevel, row.disclosure_level, DisclosureLevel.UNSPECIFIED),
    confidenceScore: row.confidence_score ?? undefined,
    embedding: embeddingFromSql(row.embedding),
    embeddingModel: row.embedding_model,
    video: row.video ? videoFromRow(row.video as unknown as VideoRow) : undefined,
    metadata: row.metadata as JsonObject,
    publishTime: optionalTimestamp(row.publish_time),
    createTime: optionalTimestamp(row.create_time),
    updateTime: optionalTimestamp(row.update_time),
    etag: row.version,
  });
}
