/* Sends one notification per payload on :channel (the hub's coalesced signals; hub.ts). */
/* @name notifyTasks */
SELECT count(*) AS "sent!" FROM (SELECT pg_notify(:channel!::text, p) FROM unnest(:payloads!::text[]) AS p) AS sent;
