import { describe, expect, it } from 'vitest';
import { renderMail, templates } from './templates';

const base = 'https://fig.example.test/';

describe('mail templates', () => {
  it('has a template for every mail the issue names', () => {
    expect(Object.keys(templates).sort()).toEqual(
      [
        'approval_requested',
        'invitation',
        'invoice_sent',
        'magic_link',
        'password_reset',
        'signup',
        'run_finalized',
        'verify_email',
      ].sort(),
    );
  });

  it('renders an invitation in HTML and text, with the SPA link and escaped names', () => {
    const mail = renderMail(
      {
        kind: 'invitation',
        subject: 'ignored',
        body: 'Open /app/accept-invitation#token=T0K.en_- before then.',
        payload: {
          organisation: 'Acme <script>',
          inviter: 'admin@acme.test',
          roles: ['hr', 'finance'],
          expiresAt: '2026-12-10T00:00:00.000Z',
        },
      },
      base,
    );
    const link = 'https://fig.example.test/app/accept-invitation#token=T0K.en_-';
    expect(mail.subject).toBe('You are invited to Acme <script> on fig');
    expect(mail.text).toBe(
      [
        'Join Acme <script> on fig',
        '',
        'admin@acme.test invited you to Acme <script> as hr, finance.',
        '',
        'Choose your name and a password to accept.',
        '',
        `Accept invitation: ${link}`,
        '',
        'The link works once, until 2026-12-10T00:00:00.000Z. If you did not expect it, ignore this mail.',
      ].join('\n'),
    );
    expect(mail.html).toContain(`<a href="${link}"`);
    expect(mail.html).toContain('Acme &lt;script&gt;');
    expect(mail.html).not.toContain('<script>');
  });

  it.each([
    ['verify_email', {}, '/app/verify-email#token=from-body'],
    ['password_reset', {}, '/app/reset-password#token=from-body'],
    ['signup', { organisation: 'Initech' }, '/app/verify-signup#token=from-body'],
    ['magic_link', {}, '/app/magic-link#token=from-body'],
    [
      'magic_link',
      { path: '/portal/acme/sign-in', organisation: 'Acme' },
      '/portal/acme/sign-in#token=from-body',
    ],
    // A path that is not a portal page is ignored: the link stays on fig's own page.
    ['magic_link', { path: 'https://evil.test/x' }, '/app/magic-link#token=from-body'],
    [
      'approval_requested',
      { title: 'plan Q3 bonus', path: '/approvals/7', requestedBy: 'hr@acme.test' },
      '/app/approvals/7',
    ],
    ['run_finalized', { runName: 'March 2026', path: '/runs/12' }, '/app/runs/12'],
    [
      'invoice_sent',
      { invoiceNumber: 'INV-9', amount: '1250.50', currency: 'EUR', path: '/portal/acme/invoices/9' },
      '/portal/acme/invoices/9',
    ],
  ])('renders %s with its link', (kind, payload, path) => {
    const mail = renderMail({ kind, subject: 's', body: 'Open /app/x#token=from-body', payload }, base);
    expect(mail.text).toContain(`https://fig.example.test${path}`);
    expect(mail.html).toContain(`href="https://fig.example.test${path}"`);
  });

  it('keeps money as the decimal string it was given', () => {
    const mail = renderMail(
      {
        kind: 'invoice_sent',
        subject: 's',
        body: 'b',
        payload: { invoiceNumber: 'INV-1', amount: '0.10', currency: 'USD', path: '/x' },
      },
      base,
    );
    expect(mail.text).toContain('Amount due: 0.10 USD.');
  });

  it("falls back to the producer's subject and body (links made absolute) when the payload lacks what the template needs", () => {
    const mail = renderMail(
      {
        kind: 'password_reset',
        subject: 'Reset your fig password',
        body: 'Open /app/reset-password#token=(removed) soon.',
        payload: {},
      },
      base,
    );
    expect(mail.subject).toBe('Reset your fig password');
    expect(mail.text).toBe(
      'Reset your fig password\n\nOpen https://fig.example.test/app/reset-password#token=(removed) soon.',
    );
    const other = renderMail(
      { kind: 'login_locked', subject: 'Failed sign-ins', body: 'Someone failed.', payload: {} },
      base,
    );
    expect(other.text).toBe('Failed sign-ins\n\nSomeone failed.');
  });
});
