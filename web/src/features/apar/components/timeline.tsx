import { useState } from 'react';
import { Link } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { can, useSession } from '../../../lib/auth';
import { formatDateTime } from '../../../lib/format';
import { useRecordActivity, useTimeline, type TimelineScope } from '../api/timeline';
import type { DocumentKind, PartyKind, PaymentKind, TimelineEvent } from '../types';
import { docHref, paymentHref } from '../types';
import { Money, today } from './bits';
import { errorAt } from './field-errors';

const WHAT: Record<TimelineEvent['type'], string> = {
  created: 'Posted',
  sent: 'Sent',
  payment: 'Payment',
  credit: 'Credit applied',
  write_off: 'Written off',
  note: 'Note',
  promise: 'Promise to pay',
};

function sourceLink(e: TimelineEvent) {
  if (e.sourceKind && e.sourceId !== null) {
    if (e.sourceKind === 'received' || e.sourceKind === 'made') return <Link to={paymentHref(e.sourceKind as PaymentKind, e.sourceId)}>payment #{e.sourceId}</Link>;
    if (e.sourceKind === 'credit_note' || e.sourceKind === 'vendor_credit') return <Link to={docHref(e.sourceKind as DocumentKind, e.sourceId)}>{e.sourceKind.replace('_', ' ')} #{e.sourceId}</Link>;
  }
  return null;
}

/** Record a note or a promise to pay (on the party, and on the document when the timeline is one document's). */
function ActivityForm({ tid, party, documentKind, documentId }: { tid: string; party: { kind: PartyKind; id: number }; documentKind?: DocumentKind; documentId?: number }) {
  const record = useRecordActivity(tid, party.kind, party.id);
  const [type, setType] = useState<'note' | 'promise'>('note');
  const [text, setText] = useState('');
  const [promisedDate, setPromisedDate] = useState(today());
  const [promisedAmount, setPromisedAmount] = useState('');
  const err = record.error;
  return (
    <form
      className="apar-activity-form"
      onSubmit={(e) => {
        e.preventDefault();
        record.mutate(
          {
            type,
            text: text.trim(),
            ...(documentKind && documentId ? { documentKind, documentId } : {}),
            ...(type === 'promise' ? { promisedDate, ...(promisedAmount.trim() ? { promisedAmount: promisedAmount.trim() } : {}) } : {}),
          },
          { onSuccess: () => setText('') },
        );
      }}
    >
      <div className="filter-chips" role="group" aria-label="Activity type">
        {(['note', 'promise'] as const).map((t) => (
          <button key={t} type="button" className={`chip ${type === t ? 'chip-active' : ''}`} aria-pressed={type === t} onClick={() => setType(t)}>
            {t === 'note' ? 'Note' : 'Promise to pay'}
          </button>
        ))}
      </div>
      <textarea name="text" aria-label="Activity text" rows={2} placeholder={type === 'note' ? 'Called, left a message…' : 'What they said'} value={text} onChange={(e) => setText(e.target.value)} />
      {errorAt(err, 'text') && <div className="field-error">{errorAt(err, 'text')}</div>}
      {type === 'promise' && (
        <div className="apar-inline">
          <label className="filter">
            <span>Promised for</span>
            <input type="date" name="promisedDate" value={promisedDate} onChange={(e) => setPromisedDate(e.target.value)} />
            {errorAt(err, 'promisedDate') && <span className="field-error">{errorAt(err, 'promisedDate')}</span>}
          </label>
          <label className="filter">
            <span>Amount</span>
            <input name="promisedAmount" className="num-input" inputMode="decimal" value={promisedAmount} onChange={(e) => setPromisedAmount(e.target.value)} />
            {errorAt(err, 'promisedAmount') && <span className="field-error">{errorAt(err, 'promisedAmount')}</span>}
          </label>
        </div>
      )}
      <FormError error={err} shownFields={['text', 'promisedDate', 'promisedAmount']} />
      <div>
        <Button type="submit" size="sm" variant="primary" busy={record.isPending} disabled={type === 'note' && !text.trim()}>
          Add to timeline
        </Button>
      </div>
    </form>
  );
}

/** The activity timeline of a party or a document, newest first, with a note/promise form for writers. */
export function TimelinePanel({ scope, party }: { scope: TimelineScope; party: { kind: PartyKind; id: number } }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const timeline = useTimeline(tid, scope);
  return (
    <section className="panel" data-testid="timeline">
      <div className="panel-header">
        <h2>Activity</h2>
      </div>
      {can(session, 'apar.write') && (
        <ActivityForm tid={tid} party={party} documentKind={scope.of === 'document' ? scope.kind : undefined} documentId={scope.of === 'document' ? scope.id : undefined} />
      )}
      {timeline.isPending ? (
        <Loading />
      ) : timeline.isError ? (
        <ErrorState error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : timeline.data.data.length === 0 ? (
        <p className="muted panel-pad">Nothing yet.</p>
      ) : (
        <ol className="apar-timeline">
          {[...timeline.data.data].reverse().map((e, i) => (
            <li key={i} className={`apar-event apar-event-${e.type}`} data-type={e.type}>
              <div className="apar-event-head">
                <span className="strong">{WHAT[e.type]}</span>
                {scope.of === 'party' && e.documentKind && e.documentId !== null && (
                  <Link to={docHref(e.documentKind as DocumentKind, e.documentId)} className="small">
                    {e.documentKind.replace('_', ' ')} #{e.documentId}
                  </Link>
                )}
                {sourceLink(e)}
                {e.amount !== null && <Money value={e.amount} />}
                <time className="muted small" title={formatDateTime(e.at)}>
                  {e.date}
                </time>
              </div>
              {e.type === 'promise' && e.promisedDate && <div className="small">Promised for {e.promisedDate}</div>}
              {e.text && <div className="apar-event-text">{e.text}</div>}
              {e.actor && <div className="muted small">{e.actor}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
