// Field rules for content assets, shared by create and update.
import { Platform } from '../../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import { AssetType, DisclosureLevel, VideoTier, type VideoMetadata } from '../../gen/proto/chimera/content/v1/content_pb.js';
import type { Violations } from '../../lib/validate.js';
import { storedName } from '../../lib/stored.js';

const TYPES = [AssetType.TEXT, AssetType.IMAGE, AssetType.VIDEO, AssetType.AUDIO] as const;
const PLATFORMS = [Platform.TWITTER, Platform.INSTAGRAM, Platform.THREADS, Platform.TIKTOK, Platform.YOUTUBE] as const;
const DISCLOSURES = [DisclosureLevel.AUTOMATED, DisclosureLevel.ASSISTED, DisclosureLevel.NONE] as const;
const TIERS = [VideoTier.TIER1, VideoTier.TIER2] as const;

export function validateAssetType(v: Violations, field: string, type: AssetType): string | null {
  if (type === AssetType.UNSPECIFIED) v.add(field, 'is required');
  else v.enumOf(field, type, TYPES, 'TEXT, IMAGE, VIDEO, AUDIO');
  return storedName(AssetType, type);
}

/** An optional platform's stored name (null when unset). */
export function validatePlatform(v: Violations, field: string, platform: Platform): string | null {
  if (platform !== Platform.UNSPECIFIED) v.enumOf(field, platform, PLATFORMS, 'TWITTER, INSTAGRAM, THREADS, TIKTOK, YOUTUBE');
  return storedName(Platform, platform);
}

export function validateDisclosure(v: Violations, field: string, level: DisclosureLevel): string | null {
  if (level !== DisclosureLevel.UNSPECIFIED) v.enumOf(field, level, DISCLOSURES, 'AUTOMATED, ASSISTED, NONE');
  return storedName(DisclosureLevel, level);
}

export function validateConfidence(v: Violations, field: string, score: number | undefined): number | null {
  if (score === undefined) return null;
  if (!Number.isFinite(score) || score < 0 || score > 1) v.add(field, 'must be between 0 and 1');
  return score;
}

/** Video metadata as putVideo takes it. */
export function validateVideo(v: Violations, field: string, m: VideoMetadata) {
  if (m.durationMs <= 0n || m.durationMs > 86_400_000n) v.add(`${field}.duration_ms`, 'must be between 1 and 86,400,000');
  if (m.width <= 0 || m.width > 16_384) v.add(`${field}.width`, 'must be between 1 and 16384');
  if (m.height <= 0 || m.height > 16_384) v.add(`${field}.height`, 'must be between 1 and 16384');
  if (!Number.isFinite(m.frameRate) || m.frameRate <= 0 || m.frameRate > 1000) v.add(`${field}.frame_rate`, 'must be above 0 and at most 1000');
  v.text(`${field}.codec`, m.codec, { min: 1, max: 50 });
  if (m.bitrateKbps < 0) v.add(`${field}.bitrate_kbps`, 'must not be negative');
  if (m.fileSizeBytes < 0n) v.add(`${field}.file_size_bytes`, 'must not be negative');
  if (m.tier !== VideoTier.UNSPECIFIED) v.enumOf(`${field}.tier`, m.tier, TIERS, 'TIER1, TIER2');
  v.text(`${field}.thumbnail_url`, m.thumbnailUrl, { max: 2_000 });
  v.text(`${field}.transcript`, m.transcript, { max: 100_000 });
  v.textList(`${field}.topics`, m.topics, { maxItems: 50, maxLength: 100 });
  return {
    durationMs: String(m.durationMs),
    width: m.width,
    height: m.height,
    frameRate: m.frameRate,
    codec: m.codec,
    bitrateKbps: m.bitrateKbps || null,
    fileSizeBytes: m.fileSizeBytes > 0n ? String(m.fileSizeBytes) : null,
    tier: storedName(VideoTier, m.tier),
    thumbnailUrl: m.thumbnailUrl,
    transcript: m.transcript,
    topics: m.topics,
  };
}
