/**
 * Whether an error from the Temporal client means the server cannot be reached now (down, or too
 * slow to answer within the deadline): the page then says « service momentanément indisponible ».
 */
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';

const UNAVAILABLE = 14; // gRPC status
const DEADLINE_EXCEEDED = 4;

export function isTemporalUnavailable(err: unknown): boolean {
  // An update whose call ran out of time: the SDK's own error for it (a submission's in doubt: client/renewals.ts).
  if (isGrpcDeadlineError(err) || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const grpc = isGrpcServiceError(err) ? err : err instanceof ServiceError && isGrpcServiceError(err.cause) ? err.cause : undefined;
  return grpc !== undefined && (grpc.code === UNAVAILABLE || grpc.code === DEADLINE_EXCEEDED);
}
