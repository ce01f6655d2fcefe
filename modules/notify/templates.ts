/*
 * Every mail fig sends, HTML and text, in one place. A template takes the outbox row's payload
 * (what the producer put there in its transaction) and the SPA's base URL; links point at SPA
 * pages and carry link tokens in the fragment (#token=…), which browsers never send to a server.
 * Link tokens are never in the payload (identity keeps raw tokens out of it): a template reads the
 * token from the producer's body (`/app/<page>#token=…`). A row that lacks what its template needs
 * (an old row, a purged token) or whose kind has no template is sent as the producer wrote it.
 */

/** What a mail says, ready for a transport. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The outbox row fields a template reads. */
export interface MailSource {
  kind: string;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
}

interface Content {
  subject: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer?: string;
}

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const strs = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/** A link to an SPA page with a token in its fragment. */
const spaLink = (base: string, page: string, token: string) =>
  `${base}/app/${page}#token=${encodeURIComponent(token)}`;

function layout(c: Content): RenderedMail {
  const text = [
    c.heading,
    '',
    ...c.paragraphs.flatMap((p) => [p, '']),
    ...(c.action ? [`${c.action.label}: ${c.action.url}`, ''] : []),
    ...(c.footer ? [c.footer] : []),
  ]
    .join('\n')
    .trimEnd();
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(c.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f5f6f4;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#1d2421">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:28px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(c.heading)}</h1>
${c.paragraphs.map((p) => `<p style="line-height:1.5;margin:0 0 12px">${escapeHtml(p)}</p>`).join('\n')}
${c.action ? `<p style="margin:20px 0"><a href="${escapeHtml(c.action.url)}" style="background:#2f6b4f;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(c.action.label)}</a></p>\n<p style="font-size:12px;color:#5b6660;word-break:break-all">${escapeHtml(c.action.url)}</p>` : ''}
${c.footer ? `<p style="font-size:12px;color:#5b6660;margin-top:20px">${escapeHtml(c.footer)}</p>` : ''}
</div></body></html>`;
  return { subject: c.subject, text, html };
}

type Template = (p: Record<string, unknown>, base: string) => Content | undefined;

/** The templates by outbox kind. */
export const templates: Record<string, Template> = {
  invitation: (p, base) => {
    const token = str(p.token);
    if (!token) return undefined;
    const org = str(p.organisation) ?? 'an organisation';
    const roles = strs(p.roles)?.join(', ') ?? 'a member';
    const expires = str(p.expiresAt);
    return {
      subject: `You are invited to ${org} on fig`,
      heading: `Join ${org} on fig`,
      paragraphs: [
        `${str(p.inviter) ?? 'An administrator'} invited you to ${org} as ${roles}.`,
        'Choose your name and a password to accept.',
      ],
      action: { label: 'Accept invitation', url: spaLink(base, 'accept-invitation', token) },
      footer: expires
        ? `The link works once, until ${expires}. If you did not expect it, ignore this mail.`
        : undefined,
    };
  },
  verify_email: (p, base) => {
    const token = str(p.token);
    if (!token) return undefined;
    return {
      subject: 'Confirm your email for fig',
      heading: 'Confirm your email address',
      paragraphs: ['Open the link below within 24 hours to confirm this address for your fig account.'],
      action: { label: 'Confirm email', url: spaLink(base, 'verify-email', token) },
      footer: 'If you did not ask for this, ignore this mail.',
    };
  },
  signup: (p, base) => {
    const token = str(p.token);
    if (!token) return undefined;
    const org = str(p.organisation) ?? 'your organisation';
    return {
      subject: `Confirm your new organisation ${org} on fig`,
      heading: `Create ${org} on fig`,
      paragraphs: [
        `Someone (we hope you) signed up to fig with this address to create the organisation ${org}, with you as its administrator.`,
        'Open the link below within 24 hours to confirm your address and create it; then sign in with the password you chose.',
      ],
      action: { label: 'Confirm and create', url: spaLink(base, 'verify-signup', token) },
      footer: 'If you did not sign up, ignore this mail: nothing is created.',
    };
  },
  password_reset: (p, base) => {
    const token = str(p.token);
    if (!token) return undefined;
    return {
      subject: 'Reset your fig password',
      heading: 'Reset your password',
      paragraphs: [
        'Someone asked to reset the password of this fig account. The link works once, within one hour.',
      ],
      action: { label: 'Set a new password', url: spaLink(base, 'reset-password', token) },
      footer: 'If it was not you, ignore this mail: your password stays as it is.',
    };
  },
  magic_link: (p, base) => {
    const token = str(p.token);
    if (!token) return undefined;
    // A client portal link names its portal page (/portal/{slug}/sign-in); otherwise the staff app's.
    const path = str(p.path);
    const portal = path && /^\/portal\/[a-z0-9-]+\/[a-z-]+$/.test(path) ? path : undefined;
    const org = str(p.organisation);
    return {
      subject: org ? `Your ${org} portal sign-in link` : 'Your fig sign-in link',
      heading: org ? `Sign in to the ${org} portal` : 'Sign in to fig',
      paragraphs: ['Open the link below on this device to sign in. It works once, within 15 minutes.'],
      action: {
        label: 'Sign in',
        url: portal
          ? `${base}${portal}#token=${encodeURIComponent(token)}`
          : spaLink(base, 'magic-link', token),
      },
      footer: 'If you did not ask to sign in, ignore this mail.',
    };
  },
  approval_requested: (p, base) => {
    const what = str(p.title);
    const path = str(p.path);
    if (!what || !path) return undefined;
    return {
      subject: `Approval requested: ${what}`,
      heading: 'Your approval is requested',
      paragraphs: [
        `${str(p.requestedBy) ?? 'A colleague'} asks you to approve ${what}.`,
        ...(str(p.note) ? [`Note: ${str(p.note)}`] : []),
      ],
      action: { label: 'Review', url: `${base}/app${path}` },
    };
  },
  run_finalized: (p, base) => {
    const run = str(p.runName);
    const path = str(p.path);
    if (!run || !path) return undefined;
    return {
      subject: `Run finalized: ${run}`,
      heading: `${run} is final`,
      paragraphs: [
        `The run was finalized by ${str(p.finalizedBy) ?? 'fig'}${str(p.employees) ? ` for ${str(p.employees)} employees` : ''}. Statements are ready.`,
      ],
      action: { label: 'Open the run', url: `${base}/app${path}` },
    };
  },
  invoice_sent: (p, base) => {
    const number = str(p.invoiceNumber);
    const amount = str(p.amount); // a decimal string, never a float
    const currency = str(p.currency);
    const path = str(p.path);
    if (!number || !amount || !currency || !path) return undefined;
    return {
      subject: `Invoice ${number} from ${str(p.organisation) ?? 'fig'}`,
      heading: `Invoice ${number}`,
      paragraphs: [
        `Amount due: ${amount} ${currency}${str(p.dueDate) ? `, by ${str(p.dueDate)}` : ''}.`,
        'Open it in the customer portal (you sign in with a link mailed to you) to see its lines and download the PDF.',
      ],
      action: { label: 'View invoice', url: `${base}${path}` },
    };
  },
};

/** Render an outbox row: its kind's template, or the producer's own subject and body. */
export function renderMail(source: MailSource, publicUrl: string): RenderedMail {
  const base = publicUrl.replace(/\/+$/, '');
  const token = /#token=([A-Za-z0-9_.-]+)/.exec(source.body)?.[1];
  const content = templates[source.kind]?.({ ...source.payload, ...(token ? { token } : {}) }, base);
  if (content) return layout(content);
  // The producer's body may name an SPA path (/app/...): make it absolute for a mail client.
  const body = source.body.replace(
    /(^|\s)(\/app\/\S+)/g,
    (_m, pre: string, path: string) => `${pre}${base}${path}`,
  );
  return layout({ subject: source.subject, heading: source.subject, paragraphs: body.split(/\n{2,}/) });
}
