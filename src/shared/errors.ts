/**
 * Errors with a stable code. Every expected failure in Druckpunkt is created through a factory
 * made by `createErrorFactory`; the one error handler in `app.ts` turns them into
 * `{ error: { code, message } }`. The web pages translate by `code`, so codes never change once
 * shipped. Messages are plain English for logs and API clients and must never contain document
 * names, file paths, release codes or keys.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  /** Extra fields that are safe to send to the client (e.g. `{ missingPages: 12 }`). */
  readonly details: Record<string, unknown> | undefined;

  constructor({
    code,
    message,
    statusCode,
    details,
    cause,
  }: {
    code: string;
    message: string;
    statusCode: number;
    details?: Record<string, unknown>;
    cause?: unknown;
  }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }
}

export type ErrorFactory = ((args?: {
  message?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}) => AppError) & { code: string; statusCode: number };

export function createErrorFactory({
  code,
  statusCode,
  message,
}: {
  code: string;
  statusCode: number;
  message: string;
}): ErrorFactory {
  const factory = (args: { message?: string; details?: Record<string, unknown>; cause?: unknown } = {}) =>
    new AppError({ code, statusCode, message: args.message ?? message, details: args.details, cause: args.cause });
  return Object.assign(factory, { code, statusCode });
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** True when `error` is an AppError made by `factory` (compare codes, not instances). */
export function isErrorOf(error: unknown, factory: ErrorFactory): error is AppError {
  return isAppError(error) && error.code === factory.code;
}

// Cross-cutting errors used by the shell. Domain errors live in `<domain>.errors.ts`.
export const createNotFoundError = createErrorFactory({
  code: 'http.not_found',
  statusCode: 404,
  message: 'There is nothing at this address.',
});
export const createValidationError = createErrorFactory({
  code: 'http.validation_failed',
  statusCode: 400,
  message: 'The request is not valid.',
});
export const createPayloadTooLargeError = createErrorFactory({
  code: 'http.payload_too_large',
  statusCode: 413,
  message: 'The request is too large.',
});
export const createUnsupportedMediaTypeError = createErrorFactory({
  code: 'http.unsupported_media_type',
  statusCode: 415,
  message: 'The request could not be understood.',
});
export const createInternalError = createErrorFactory({
  code: 'internal.error',
  statusCode: 500,
  message: 'Something went wrong on our side. Please try again or ask the staff.',
});
