import { Badge } from '../../../components/ui/badge';
import { Decimal } from '../../../../../modules/core/decimal';
import { displayDigits, formatMoney } from '../../../lib/decimal';

/**
 * Money from a decimal string: fixed 2 decimals (exact on hover), or with `exact` every digit it
 * has (where a sub-cent matters: what is left to allocate). With its currency when given.
 */
export function Money({ value, currency, strong, exact }: { value: string | null | undefined; currency?: string; strong?: boolean; exact?: boolean }) {
  return (
    <span className={`apar-money ${strong ? 'strong' : ''}`} title={value ?? undefined}>
      {formatMoney(value, exact ? displayDigits(value) : 2)}
      {currency && <span className="apar-ccy"> {currency}</span>}
    </span>
  );
}

const TONES: Record<string, string> = { open: 'warn', partial: 'neutral', paid: 'ok' };
/** A document's settlement status. */
export function StatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  if (overdue && status !== 'paid') return <Badge tone="danger">overdue</Badge>;
  return <Badge tone={TONES[status] ?? 'neutral'}>{status}</Badge>;
}

/** Today as YYYY-MM-DD in the user's time zone. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A date string plus n days (YYYY-MM-DD, calendar arithmetic in UTC). */
export function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Whether a document with a balance is past its due date today. */
export const isOverdue = (dueDate: string, status: string) => status !== 'paid' && dueDate < today();

/** A rate as a percent, exactly ("0.2" → "20 %", "0.075" → "7.5 %"). */
export const percent = (rate: string) => `${new Decimal(rate).times(100).toFixed()} %`;
