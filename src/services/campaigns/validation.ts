// Field rules for campaigns, shared by create and update.
import type { Timestamp } from '@bufbuild/protobuf/wkt';
import { CampaignPriority, Platform } from '../../gen/proto/chimera/campaigns/v1/campaigns_pb.js';
import type { Violations } from '../../lib/validate.js';

const PLATFORMS = [Platform.TWITTER, Platform.INSTAGRAM, Platform.THREADS, Platform.TIKTOK, Platform.YOUTUBE] as const;
const PRIORITIES = [CampaignPriority.HIGH, CampaignPriority.MEDIUM, CampaignPriority.LOW] as const;

export const validateName = (v: Violations, field: string, name: string) => v.text(field, name, { min: 1, max: 200 });
export const validateGoal = (v: Violations, field: string, goal: string) => v.text(field, goal, { min: 10, max: 500 });

/** Platforms, each known and named once; their stored names. */
export function validatePlatforms(v: Violations, field: string, platforms: Platform[]): string[] {
  platforms.forEach((p, i) => v.enumOf(`${field}[${i}]`, p, PLATFORMS, 'TWITTER, INSTAGRAM, THREADS, TIKTOK, YOUTUBE'));
  if (new Set(platforms).size !== platforms.length) v.add(field, 'names a platform twice');
  return platforms.map((p) => Platform[p] ?? '');
}

export function validatePriority(v: Violations, field: string, priority: CampaignPriority): number {
  return priority === CampaignPriority.UNSPECIFIED ? CampaignPriority.MEDIUM : v.enumOf(field, priority, PRIORITIES, 'HIGH, MEDIUM, LOW');
}

/** A timestamp as an ISO string, or null when unset. */
export function validateTime(v: Violations, field: string, t: Timestamp | undefined): string | null {
  if (!t) return null;
  const ms = Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6);
  if (!Number.isFinite(ms) || t.nanos < 0 || t.nanos > 999_999_999 || ms < 0 || ms > Date.UTC(9999, 0)) {
    v.add(field, 'must be a valid time');
    return null;
  }
  return new Date(ms).toISOString();
}

export function validateWindow(v: Violations, start: string | null, end: string | null): void {
  if (start !== null && end !== null && Date.parse(end) <= Date.parse(start)) v.add('campaign.end_time', 'must be after start_time');
}
