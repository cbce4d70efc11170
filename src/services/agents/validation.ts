// Field rules for agents, shared by create and update.
import type { Persona, Wallet } from '../../gen/proto/chimera/agents/v1/agents_pb.js';
import type { Violations } from '../../lib/validate.js';

export const HANDLE = /^[A-Za-z0-9_.-]+$/;
const LIST = { maxItems: 50, maxLength: 200 };

export function validateHandle(v: Violations, field: string, handle: string): string {
  return v.text(field, handle, { min: 1, max: 64, pattern: HANDLE, patternHint: 'may contain only letters, digits, "_", "." and "-"' });
}

export function validatePersona(v: Violations, field: string, p: Persona | undefined): void {
  if (!p) return;
  v.text(`${field}.name`, p.name, { max: 200 });
  v.text(`${field}.backstory`, p.backstory, { max: 10_000 });
  v.textList(`${field}.voice_traits`, p.voiceTraits, LIST);
  v.textList(`${field}.core_beliefs`, p.coreBeliefs, LIST);
  v.textList(`${field}.directives`, p.directives, LIST);
}

export function validateWallet(v: Violations, field: string, w: Wallet | undefined): void {
  if (!w) return;
  v.text(`${field}.network`, w.network, { max: 64, pattern: /^[a-z0-9-]*$/, patternHint: 'must be lower-case letters, digits and "-"' });
  v.text(`${field}.address`, w.address, { max: 128, pattern: /^[A-Za-z0-9:._-]*$/, patternHint: 'has characters no wallet address uses' });
  if ((w.network === '') !== (w.address === '')) v.add(field, 'network and address must be set together');
}
