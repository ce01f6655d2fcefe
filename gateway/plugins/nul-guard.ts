import fp from 'fastify-plugin';
import type { FieldError } from '../../modules/core/errors';
import { sendProblem } from './problem';
import { isLegacyRoute } from './security-headers';

/** At most this many NUL findings are listed; one is enough to refuse. */
const MAX_FINDINGS = 20;

/**
 * Paths ("body.steps[2].expr", "querystring.q", "params.key") of every string (value or key) in
 * `input` that contains a NUL character. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function nulPaths(context: string, input: unknown): string[] {
  const found: string[] = [];
  const stack: [string, unknown][] = [[context, input]];
  while (stack.length && found.length < MAX_FINDINGS) {
    const [path, value] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) found.push(path);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([`${path}[${i}]`, value[i]]);
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const child = `${path}.${key.replace(/\0/g, '\\0')}`;
        // A NUL key is reported at its own path (in document order); what is under it is not walked.
        stack.push([child, key.includes('\0') ? '\0' : (value as Record<string, unknown>)[key]]);
      }
    }
  }
  return found;
}

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, so a NUL that reaches a query is a 500. fig's own
 * routes refuse it before validation: 400 problem listing every field that has one. Legacy
 * routes pass through untouched (legacy judges its own input, byte for byte).
 */
export const nulGuardPlugin = fp(
  async (app) => {
    app.addHook('preValidation', (request, reply, done) => {
      if (isLegacyRoute(request)) return done();
      const paths = [
        ...nulPaths('params', request.params),
        ...nulPaths('querystring', request.query),
        ...nulPaths('body', request.body),
      ];
      if (paths.length === 0) return done();
      const errors: FieldError[] = paths.map((path) => ({ path, message: 'must not contain a NUL character', code: 'nul_character' }));
      sendProblem(request, reply, 400, 'FIG_VALIDATION', `${errors.length} invalid field(s)`, errors);
    });
  },
  { name: 'nul-guard', dependencies: ['problem'] },
);
