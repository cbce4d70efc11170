// The content lifecycle: DRAFT -> IN_REVIEW -> APPROVED -> PUBLISHED, IN_REVIEW -> REJECTED or
// back to DRAFT, REJECTED back to DRAFT, and anything but ARCHIVED -> ARCHIVED. UpdateContentAsset
// makes the moves into review and out of it; PublishContentAsset and ArchiveContentAsset the rest.

/** The statuses UpdateContentAsset may move an asset to, from each status (staying is allowed
 *  while the asset can still be edited). */
export const UPDATE_MOVES: Record<string, readonly string[]> = {
  DRAFT: ['DRAFT', 'IN_REVIEW'],
  IN_REVIEW: ['IN_REVIEW', 'APPROVED', 'REJECTED', 'DRAFT'],
  APPROVED: ['APPROVED', 'DRAFT'],
  REJECTED: ['REJECTED', 'DRAFT'],
  PUBLISHED: [],
  ARCHIVED: [],
};

/** Whether an asset in `status` can still be edited. */
export const editable = (status: string) => (UPDATE_MOVES[status] ?? []).length > 0;
