// Errors as clients see them: a Connect code, google.rpc.ErrorInfo (reason + domain) and, for bad
// input, google.rpc.BadRequest field violations (AIP-193).
import { Code, ConnectError } from '@connectrpc/connect';
import { BadRequestSchema, ErrorInfoSchema } from '../gen/proto/google/rpc/error_details_pb.js';

export const ERROR_DOMAIN = 'chimera.v1';

export function apiError(code: Code, reason: string, message: string, metadata: Record<string, string> = {}): ConnectError {
  return new ConnectError(message, code, undefined, [
    { desc: ErrorInfoSchema, value: { reason, domain: ERROR_DOMAIN, metadata } },
  ]);
}

export interface FieldViolation {
  field: string;
  description: string;
}

export function invalidArgument(violations: FieldViolation[]): ConnectError {
  const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
  return new ConnectError(`invalid request: ${summary}`, Code.InvalidArgument, undefined, [
    { desc: ErrorInfoSchema, value: { reason: 'INVALID_ARGUMENT', domain: ERROR_DOMAIN, metadata: {} } },
    { desc: BadRequestSchema, value: { fieldViolations: violations } },
  ]);
}

export function notFound(resourceType: string, id: string): ConnectError {
  return apiError(Code.NotFound, 'NOT_FOUND', `${resourceType} ${id} not found`, {
    resource_type: resourceType,
    resource_id: id,
  });
}

export function etagMismatch(resourceType: string, id: string): ConnectError {
  return apiError(Code.Aborted, 'ETAG_MISMATCH', `${resourceType} ${id} was changed by someone else; read it again`, {
    resource_type: resourceType,
    resource_id: id,
  });
}

export function alreadyExists(reason: string, message: string, metadata: Record<string, string> = {}): ConnectError {
  return apiError(Code.AlreadyExists, reason, message, metadata);
}

export function failedPrecondition(reason: string, message: string, metadata: Record<string, string> = {}): ConnectError {
  return apiError(Code.FailedPrecondition, reason, message, metadata);
}
