import createError from '@fastify/error';

/** One field problem in a 400 response: `path` is a JSON path into the request ("body.steps[2].expr"). */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
}

/**
 * Base of every expected failure. The problem+json handler turns it into
 * {type, title, status, detail, instance, request_id, errors[]}.
 */
export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly statusCode: number,
    message: string,
    public readonly errors: FieldError[] = [],
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id?: string) =>
  new AppError('FIG_NOT_FOUND', 404, id ? `${what} ${id} was not found` : `${what} was not found`);
export const conflict = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  new AppError(code, 409, message, [], extra);
export const badRequest = (message: string, errors: FieldError[] = [], code = 'FIG_BAD_REQUEST') =>
  new AppError(code, 400, message, errors);
export const unauthorized = (message = 'Authentication is required') => new AppError('FIG_UNAUTHORIZED', 401, message);
export const forbidden = (message = 'You do not have permission for this action') =>
  new AppError('FIG_FORBIDDEN', 403, message);

/** Fastify-level codes (stable, @fastify/error style) for gateway failures. */
export const FigErrors = {
  UPSTREAM_UNAVAILABLE: createError('FIG_UPSTREAM_UNAVAILABLE', 'The legacy service is unavailable: %s', 502),
  UPSTREAM_TIMEOUT: createError('FIG_UPSTREAM_TIMEOUT', 'The legacy service did not answer within %s ms', 504),
};
