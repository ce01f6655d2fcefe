import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../../modules/core/errors';
import { fieldErrors } from './field-errors';
import { DEPENDENCY_RETRY_AFTER_S, isDependencyUnavailable } from './dependency-errors';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  request_id: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Send an RFC 9457 problem; the one way fig reports an error to a client. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
  extra: Record<string, unknown> = {},
): FastifyReply {
  const body: Problem = {
    type: `https://fig.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: request.url,
    request_id: String(request.id),
    code,
    ...(errors && errors.length ? { errors } : {}),
    ...extra,
  };
  return reply.code(status).type('application/problem+json').send(body);
}

/** Map any thrown error to problem+json. 5xx are logged with the error and say little to the client. */
export const problemPlugin = fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, request, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        // zod's own wording ("Invalid input: expected number, received undefined") becomes "is required" etc.
        const context = err.validationContext;
        const input = context === 'querystring' ? request.query : context ? (request as unknown as Record<string, unknown>)[context] : request.body;
        const errors = fieldErrors(context, err.validation, input);
        return sendProblem(request, reply, 400, 'FIG_VALIDATION', `${errors.length} invalid field(s)`, errors);
      }
      if (err instanceof AppError) {
        if (err.statusCode >= 500) request.log.error({ err }, err.message);
        return sendProblem(request, reply, err.statusCode, err.code, err.message, err.errors, err.extra);
      }
      const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
      if (status === 500 && isDependencyUnavailable(err)) {
        request.log.warn({ err }, 'a backing service is unavailable');
        reply.header('retry-after', String(DEPENDENCY_RETRY_AFTER_S));
        return sendProblem(request, reply, 503, 'FIG_DEPENDENCY_UNAVAILABLE', 'A service fig depends on is unavailable; retry shortly');
      }
      if (status >= 500) {
        request.log.error({ err }, 'request failed');
        // Only fig's and Fastify's own codes are part of the API; a driver's (a Postgres SQLSTATE,
        // ECONNRESET...) would describe the internals to the client.
        const code = err.code && /^(FIG|FST)_/.test(err.code) ? err.code : 'FIG_INTERNAL';
        return sendProblem(request, reply, status, code, status === 500 ? 'An unexpected error occurred' : err.message);
      }
      // Fastify's own client errors (bad JSON, too large, rate limited...) keep their message.
      return sendProblem(request, reply, status, err.code ?? 'FIG_CLIENT_ERROR', err.message);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(request, reply, 404, 'FIG_NOT_FOUND', `No route for ${request.method} ${request.url}`),
    );
  },
  { name: 'problem' },
);
