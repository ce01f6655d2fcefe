import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/** One email the stand-in accepted (what Resend would have sent). */
export interface CapturedEmail {
  id: string;
  idempotencyKey: string | undefined;
  body: {
    from: string;
    to: string[] | string;
    subject: string;
    html?: string;
    text?: string;
    tags?: { name: string; value: string }[];
  };
}

/** Every request it saw, accepted or not. */
export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * A local stand-in for Resend's HTTP API (POST /emails), for tests: checks the API key and JSON,
 * validates the required fields (422 validation_error), and honours Idempotency-Key the way Resend
 * documents it: the same key with the same body answers the first id and sends nothing; the same
 * key with another body is 409 invalid_idempotent_request. `failWith` makes the next N sends (or
 * every send to an address) answer an error, to drive retries and the dead-letter list.
 */
export class ResendCapture {
  readonly emails: CapturedEmail[] = [];
  readonly requests: CapturedRequest[] = [];
  private readonly byKey = new Map<string, { body: string; id: string }>();
  private readonly failures: { to?: string; remaining: number; status: number; name: string }[] = [];
  private server?: Server;
  url = '';

  constructor(readonly apiKey: string) {}

  /** Answer `status` (Resend error body `name`) to the next `times` sends, or to every send to `to`. */
  failWith(opts: { status: number; name: string; times?: number; to?: string }): void {
    this.failures.push({
      to: opts.to,
      remaining: opts.times ?? Infinity,
      status: opts.status,
      name: opts.name,
    });
  }

  /** Accepted emails to one address. */
  to(address: string): CapturedEmail[] {
    return this.emails.filter((e) => (Array.isArray(e.body.to) ? e.body.to : [e.body.to]).includes(address));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const answer = (status: number, body: unknown) => {
          this.requests.push({
            method: req.method ?? '',
            url: req.url ?? '',
            headers: req.headers,
            body: raw,
            status,
          });
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        };
        const error = (status: number, name: string, message: string) =>
          answer(status, { statusCode: status, name, message });
        if (req.method !== 'POST' || req.url !== '/emails')
          return error(404, 'not_found', 'The requested endpoint does not exist.');
        const auth = req.headers.authorization;
        if (!auth) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
        if (auth !== `Bearer ${this.apiKey}`) return error(403, 'invalid_api_key', 'API key is invalid');
        if (!String(req.headers['content-type']).startsWith('application/json'))
          return error(422, 'validation_error', 'Content-Type must be application/json');
        let body: CapturedEmail['body'];
        try {
          body = JSON.parse(raw) as CapturedEmail['body'];
        } catch {
          return error(422, 'validation_error', 'Invalid JSON body');
        }
        for (const field of ['from', 'to', 'subject'] as const)
          if (!body[field]) return error(422, 'validation_error', `The \`${field}\` field is required.`);
        if (!body.html && !body.text)
          return error(422, 'validation_error', 'Either `html` or `text` must be provided.');
        const recipients = Array.isArray(body.to) ? body.to : [body.to];
        const failure = this.failures.find((f) => f.remaining > 0 && (!f.to || recipients.includes(f.to)));
        if (failure) {
          failure.remaining--;
          return error(failure.status, failure.name, `stand-in failure ${failure.status}`);
        }
        const key = req.headers['idempotency-key'] as string | undefined;
        if (key) {
          const seen = this.byKey.get(key);
          if (seen && seen.body !== raw)
            return error(
              409,
              'invalid_idempotent_request',
              'Same idempotency key used with a different request payload.',
            );
          if (seen) return answer(200, { id: seen.id });
        }
        const id = randomUUID();
        if (key) this.byKey.set(key, { body: raw, id });
        this.emails.push({ id, idempotencyKey: key, body });
        return answer(200, { id });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('capture server did not bind');
    this.url = `http://127.0.0.1:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
