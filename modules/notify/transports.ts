import { Resend } from 'resend';
import type { Config } from '../core/config';
import type { Db } from '../core/db';
import './tables';

/** A mail ready to leave: rendered content plus the key that makes sending it twice a no-op. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  kind: string;
  idempotencyKey: string;
}

/** Where mail goes: Resend (RESEND_API_KEY) or the embedded dev mailbox. */
export interface MailTransport {
  name: 'resend' | 'mailbox';
  /** Sends once per idempotency key; returns the provider's message id. */
  send(mail: OutgoingMail, signal?: AbortSignal): Promise<{ id: string }>;
}

/** A send that failed; `permanent` ones (the provider refused the mail itself) are not retried. */
export class MailSendError extends Error {
  constructor(
    message: string,
    public readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

/**
 * Resend through its official SDK, at RESEND_BASE_URL. Resend keeps an Idempotency-Key for 24 h:
 * a retry with the same key and body answers the first send's id and sends nothing.
 * 4xx answers other than 409 (a concurrent request with the key) and 429 are permanent.
 */
export function resendTransport(apiKey: string, baseUrl: string): MailTransport {
  const client = new Resend(apiKey, { baseUrl: baseUrl.replace(/\/+$/, '') });
  return {
    name: 'resend',
    async send(mail) {
      const { data, error } = await client.emails.send(
        {
          from: mail.from,
          to: [mail.to],
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          tags: [{ name: 'kind', value: mail.kind.replace(/[^A-Za-z0-9_-]/g, '_') }],
        },
        { idempotencyKey: mail.idempotencyKey },
      );
      if (error || !data) {
        const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
        const permanent =
          status !== null && status >= 400 && status < 500 && status !== 409 && status !== 429;
        throw new MailSendError(
          `resend: ${status ?? 'no answer'} ${error?.name ?? ''} ${error?.message ?? ''}`.trim(),
          permanent,
        );
      }
      return { id: data.id };
    },
  };
}

/** The embedded dev mailbox: one row per idempotency key, so a repeated send keeps the first. */
export function mailboxTransport(db: Db): MailTransport {
  return {
    name: 'mailbox',
    async send(mail) {
      await db
        .insertInto('notify.mailbox')
        .values({
          idempotency_key: mail.idempotencyKey,
          from_email: mail.from,
          to_email: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          kind: mail.kind,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
      const row = await db
        .selectFrom('notify.mailbox')
        .select('id')
        .where('idempotency_key', '=', mail.idempotencyKey)
        .executeTakeFirstOrThrow();
      return { id: row.id };
    },
  };
}

const chosen = new WeakMap<Config, MailTransport>();

/** The transport the configuration picks (one per config object). */
export function transportFor(config: Config, db: Db): MailTransport {
  let t = chosen.get(config);
  if (!t) {
    t = config.RESEND_API_KEY
      ? resendTransport(config.RESEND_API_KEY, config.RESEND_BASE_URL)
      : mailboxTransport(db);
    chosen.set(config, t);
  }
  return t;
}

/** Where mail links point: PUBLIC_URL, or this machine's gateway. */
export const publicUrl = (config: Config) => config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT || 8080}`;
