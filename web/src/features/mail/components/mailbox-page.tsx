import { useState, type ReactNode } from 'react';
import { Link } from '../../../app/router';
import { Empty, ErrorState, Loading } from '../../../components/ui/states';
import { formatDateTime } from '../../../lib/format';
import { useMailboxMessage } from '../api/get-mailbox-message';
import { useMailbox } from '../api/list-mailbox';

/** Plain text with its http(s) URLs as links (opened in a new tab, no referrer). */
function Linkified({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  const re = /https?:\/\/[^\s<>"]+/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    parts.push(text.slice(last, m.index));
    parts.push(
      <a key={m.index} href={m[0]} target="_blank" rel="noreferrer noopener" data-testid="mail-link">
        {m[0]}
      </a>,
    );
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return <pre className="mail-text">{parts}</pre>;
}

function Message({ id }: { id: string }) {
  const msg = useMailboxMessage(id);
  const [view, setView] = useState<'html' | 'text'>('html');
  if (msg.isPending) return <Loading label="Opening the message…" />;
  if (msg.isError) return <ErrorState error={msg.error} onRetry={() => void msg.refetch()} />;
  const m = msg.data;
  return (
    <article className="mail-message" data-testid="mail-message">
      <header className="panel-pad">
        <h2>{m.subject}</h2>
        <div className="small muted">
          From {m.from} to <strong>{m.to}</strong> · {formatDateTime(m.createdAt)} {m.kind && <>· {m.kind}</>}
        </div>
        <div className="segmented">
          <button
            type="button"
            className={`seg${view === 'html' ? ' seg-active mail-seg-on' : ''}`}
            onClick={() => setView('html')}
          >
            HTML
          </button>
          <button
            type="button"
            className={`seg${view === 'text' ? ' seg-active mail-seg-on' : ''}`}
            onClick={() => setView('text')}
          >
            Text
          </button>
        </div>
      </header>
      {/* The HTML runs in a sandbox with no scripts and no same-origin access; links open outside it. */}
      {view === 'html' ? (
        <iframe
          title={m.subject}
          className="mail-html"
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          srcDoc={m.html.replace('<head>', '<head><base target="_blank">')}
        />
      ) : (
        <Linkified text={m.text} />
      )}
    </article>
  );
}

/** /app/ops/mailbox[/:id]: the embedded dev mailbox (mail fig sent without RESEND_API_KEY). Ops only. */
export function MailboxPage({ params }: { params: Record<string, string> }) {
  const [to, setTo] = useState('');
  const list = useMailbox(to.trim());
  const selected = params.id;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Dev mailbox</h1>
          <p className="subtitle">
            Mail fig delivered locally because no RESEND_API_KEY is set. Links in it work like the real mail.
          </p>
        </div>
        <div className="page-actions">
          <input
            type="search"
            placeholder="Filter by recipient (exact address)"
            aria-label="Recipient"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
        </div>
      </div>
      <div className="mail-layout">
        <section className="panel">
          {list.isPending ? (
            <Loading label="Loading mail…" />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : list.data.data.length === 0 ? (
            <Empty title="No mail yet">
              Invitations, resets and verification mails appear here a few seconds after they are sent.
            </Empty>
          ) : (
            <ul className="mail-list" data-testid="mail-list">
              {list.data.data.map((m) => (
                <li key={m.id} className={m.id === selected ? 'selected' : ''}>
                  <Link to={`/ops/mailbox/${m.id}`}>
                    <span className="mail-subject">{m.subject}</span>
                    <span className="small muted">
                      {m.to} · {formatDateTime(m.createdAt)}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {list.data && list.data.total > list.data.data.length && (
            <div className="panel-pad small muted">
              Newest {list.data.data.length} of {list.data.total}.
            </div>
          )}
        </section>
        <section className="panel">
          {selected ? (
            <Message id={selected} />
          ) : (
            <Empty title="Pick a message">Choose a mail on the left to read it.</Empty>
          )}
        </section>
      </div>
    </div>
  );
}
