// Field formats of the ledger, shared by validation in TypeScript. Ids must already be lower-case
// (the migrations' CHECK constraints use the same lower-case pattern).
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ASSET = /^[A-Z0-9]{1,16}$/;
/** An amount in minor units: a decimal integer of at most 38 digits (numeric(38,0)). */
export const AMOUNT = /^[0-9]{1,38}$/;
