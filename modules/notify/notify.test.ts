import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, TEST_ADMIN_TOKEN } from '../../test/helpers';
import { createUserWithRoles, loginAs } from '../../test/auth';
import { ResendCapture } from '../../test/resend-capture';
import type { Config } from '../core/config';
import {
  deliverMessage,
  idempotencyKeyOf,
  mailboxTransport,
  resendTransport,
  type MailTransport,
} from './index';
import { dispatchOutbox } from './service/dispatch-outbox';

const log = pino({ level: 'silent' });
const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

describe('notify: delivering the outbox', () => {
  let app: FastifyInstance;
  let config: Config;
  const capture = new ResendCapture('re_test_key_123');

  beforeAll(async () => {
    await capture.start();
    ({ app, config } = await buildTestApp({
      PUBLIC_URL: 'https://fig.example.test',
      MAIL_FROM: 'fig <mail@fig.example.test>',
    }));
  });
  afterAll(async () => {
    await app?.close();
    await capture.close();
  });

  /** A real producer: the password-reset request writes its mail to the outbox; returns its id. */
  const resetMail = async (email: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email },
    });
    expect(res.statusCode).toBe(202);
    const row = await app.db
      .selectFrom('identity.outbox')
      .select(['id', 'body'])
      .where('to_email', '=', email)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return { id: String(row.id), token: /#token=([A-Za-z0-9_.-]+)/.exec(row.body)![1]! };
  };
  const outboxSentAt = async (id: string) =>
    (
      await app.db
        .selectFrom('identity.outbox')
        .select('sent_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).sent_at;
  const delivery = (id: string) =>
    app.db.selectFrom('notify.deliveries').selectAll().where('outbox_id', '=', id).executeTakeFirstOrThrow();
  const resend = () => resendTransport(capture.apiKey, capture.url);

  it('sends through Resend: POST /emails with the key, JSON, the idempotency key and the rendered template', async () => {
    const u = await createUserWithRoles(app, { roles: ['finance'] });
    const { id, token } = await resetMail(u.email);
    expect(
      await deliverMessage({ db: app.db, config, log, transport: resend() }, id, { made: 0, max: 3 }),
    ).toBe('sent');

    const req = capture.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/emails');
    expect(req.headers.authorization).toBe('Bearer re_test_key_123');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toBe(`fig-outbox-${id}`);
    const [mail] = capture.to(u.email);
    const link = `https://fig.example.test/app/reset-password#token=${token}`;
    expect(mail!.body).toMatchObject({
      from: 'fig <mail@fig.example.test>',
      to: [u.email],
      subject: 'Reset your fig password',
      tags: [{ name: 'kind', value: 'password_reset' }],
    });
    expect(mail!.body.text).toContain(`Set a new password: ${link}`);
    expect(mail!.body.html).toContain(`href="${link}"`);
    expect(await outboxSentAt(id)).toBeInstanceOf(Date);
    expect(await delivery(id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      transport: 'resend',
      provider_message_id: mail!.id,
    });
    // Delivered: the token leaves the outbox at the next purge (identity's job).
  });

  it('sends a message once even when the worker died after Resend accepted it', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const { id } = await resetMail(u.email);
    const real = resend();
    // The first try reaches Resend, then the process "dies" before sent_at is written.
    const dying: MailTransport = {
      name: 'resend',
      send: async (m) => {
        await real.send(m);
        throw new Error('worker killed after the send');
      },
    };
    await expect(
      deliverMessage({ db: app.db, config, log, transport: dying }, id, { made: 0, max: 5 }),
    ).rejects.toThrow('worker killed');
    expect(await outboxSentAt(id)).toBeNull();
    expect(await deliverMessage({ db: app.db, config, log, transport: real }, id, { made: 1, max: 5 })).toBe(
      'sent',
    );

    const tries = capture.requests.filter((r) => r.headers['idempotency-key'] === idempotencyKeyOf(id));
    expect(tries.map((r) => r.status)).toEqual([200, 200]);
    expect(capture.to(u.email)).toHaveLength(1);
    expect(await delivery(id)).toMatchObject({
      status: 'sent',
      attempts: 2,
      provider_message_id: capture.to(u.email)[0]!.id,
    });
    // A third run (a duplicate job) sends nothing.
    expect(await deliverMessage({ db: app.db, config, log, transport: real }, id, { made: 0, max: 5 })).toBe(
      'already-sent',
    );
    expect(
      capture.requests.filter((r) => r.headers['idempotency-key'] === idempotencyKeyOf(id)),
    ).toHaveLength(2);
  });

  it('retries a server error and dead-letters the message after its last try', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const { id } = await resetMail(u.email);
    capture.failWith({ status: 500, name: 'internal_server_error', to: u.email });
    const deps = { db: app.db, config, log, transport: resend() };
    await expect(deliverMessage(deps, id, { made: 0, max: 2 })).rejects.toThrow(
      'resend: 500 internal_server_error',
    );
    expect(await delivery(id)).toMatchObject({ status: 'failed', attempts: 1, dead_at: null });
    await expect(deliverMessage(deps, id, { made: 1, max: 2 })).rejects.toThrow('resend: 500');
    const dead = await delivery(id);
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 2,
      last_error: 'resend: 500 internal_server_error stand-in failure 500',
    });
    expect(dead.dead_at).toBeInstanceOf(Date);
    // Dead: the dispatcher no longer queues it, and a stray job does nothing.
    const queued: string[] = [];
    await dispatchOutbox({ db: app.db, config }, async (oid) => void queued.push(oid));
    expect(queued).not.toContain(id);
    expect(await deliverMessage(deps, id, { made: 0, max: 2 })).toBe('dead');

    // Ops see it in the dead-letter list and retry it: a new generation is queued.
    const list = await app.inject({
      method: 'GET',
      url: '/_fig/mail/deliveries?status=dead',
      headers: admin,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toContainEqual(
      expect.objectContaining({
        outboxId: id,
        to: u.email,
        kind: 'password_reset',
        status: 'dead',
        attempts: 2,
      }),
    );
    const retry = await app.inject({
      method: 'POST',
      url: `/_fig/mail/deliveries/${id}/retry`,
      headers: admin,
    });
    expect(retry.statusCode).toBe(202);
    const jobs: string[] = [];
    await dispatchOutbox({ db: app.db, config }, async (_oid, jobId) => void jobs.push(jobId));
    expect(jobs).toContain(`outbox-${id}-g1`);
    const again = await app.inject({
      method: 'POST',
      url: `/_fig/mail/deliveries/${id}/retry`,
      headers: admin,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ status: 409, code: 'FIG_DELIVERY_NOT_DEAD' });
  });

  it('dead-letters at once what Resend refuses as invalid (422), without retrying', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const { id } = await resetMail(u.email);
    capture.failWith({ status: 422, name: 'validation_error', to: u.email });
    await expect(
      deliverMessage({ db: app.db, config, log, transport: resend() }, id, { made: 0, max: 6 }),
    ).rejects.toThrow('resend: 422 validation_error');
    expect(await delivery(id)).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('keeps mail in the dev mailbox without RESEND_API_KEY, once per message, readable by ops only', async () => {
    const u = await createUserWithRoles(app, { roles: ['hr'] });
    const { id, token } = await resetMail(u.email);
    const deps = { db: app.db, config, log, transport: mailboxTransport(app.db) };
    const dying: MailTransport = {
      name: 'mailbox',
      send: async (m) => {
        await deps.transport.send(m);
        throw new Error('worker killed after the send');
      },
    };
    await expect(deliverMessage({ ...deps, transport: dying }, id, { made: 0, max: 3 })).rejects.toThrow();
    expect(await deliverMessage(deps, id, { made: 1, max: 3 })).toBe('sent');

    const list = await app.inject({
      method: 'GET',
      url: `/_fig/mailbox?to=${encodeURIComponent(u.email)}`,
      headers: admin,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      total: 1,
      hasMore: false,
      data: [{ to: u.email, subject: 'Reset your fig password', kind: 'password_reset' }],
    });
    const one = await app.inject({
      method: 'GET',
      url: `/_fig/mailbox/${list.json().data[0].id}`,
      headers: admin,
    });
    expect(one.json().text).toContain(`https://fig.example.test/app/reset-password#token=${token}`);

    const ops = await loginAs(app, { roles: [], platformRoles: ['ops'] });
    expect((await app.inject({ method: 'GET', url: '/_fig/mailbox', headers: ops.headers })).statusCode).toBe(
      200,
    );
    const tenantAdmin = await loginAs(app, { roles: ['admin'] });
    const refused = await app.inject({ method: 'GET', url: '/_fig/mailbox', headers: tenantAdmin.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      status: 403,
      detail: 'This action needs the permission platform.mail.read',
    });
    expect((await app.inject({ method: 'GET', url: '/_fig/mailbox' })).statusCode).toBe(401);
  });
});

describe('notify: the dev mailbox with Resend configured', () => {
  it('answers 409 FIG_MAILBOX_OFF: the mail went to Resend', async () => {
    const { app } = await buildTestApp({ RESEND_API_KEY: 're_x', RESEND_BASE_URL: 'http://127.0.0.1:9' });
    try {
      const res = await app.inject({ method: 'GET', url: '/_fig/mailbox', headers: admin });
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        status: 409,
        code: 'FIG_MAILBOX_OFF',
        detail: 'The dev mailbox is off: mail is delivered through Resend (RESEND_API_KEY is set)',
      });
    } finally {
      await app.close();
    }
  });
});
