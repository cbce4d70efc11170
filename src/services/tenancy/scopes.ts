// Every scope an API key may carry. "*" grants all of them.
export const KNOWN_SCOPES = [
  '*',
  'agents:read',
  'agents:write',
  'campaigns:read',
  'campaigns:write',
  'tasks:read',
  'tasks:write',
  'tasks:work',
  'tasks:review',
  'content:read',
  'content:write',
  'ledger:read',
  'ledger:write',
  'audit:read',
] as const;
