import { Decimal } from '../../../../modules/core/decimal';
import { lineAmounts } from '../../../../modules/apar/schema';

/**
 * Live totals for the forms, in decimal.js on the strings the user typed (never floats): the same
 * line formula the server posts with (`lineAmounts`), and the allocation arithmetic of a payment.
 */

const DECIMAL = /^\d{1,28}(\.\d{1,10})?$/;
/** Whether a typed value is a decimal string the API takes (numeric(38,10), not negative). */
export const isDecimal = (v: string) => DECIMAL.test(v.trim());
const plain = (d: Decimal) => d.toFixed();

export interface LineDraft {
  description: string;
  quantity: string;
  unitPrice: string;
  /** Percent as typed ("20" for 20 %); the API takes the rate (0.2). */
  taxPercent: string;
}

/** The tax rate the API takes for a percent ("20" → "0.2"), or null when not a decimal. */
export function taxRate(percent: string): string | null {
  const p = percent.trim() === '' ? '0' : percent.trim();
  return isDecimal(p) ? plain(new Decimal(p).div(100)) : null;
}

export interface LineTotals {
  net: string;
  tax: string;
  total: string;
}

/** Each line's amounts (null while a number is not valid yet) and the document's totals. */
export function documentTotals(lines: LineDraft[]): { lines: Array<LineTotals | null>; subtotal: string; taxTotal: string; amount: string; complete: boolean } {
  let subtotal = new Decimal(0);
  let taxTotal = new Decimal(0);
  let complete = lines.length > 0;
  const out = lines.map((l) => {
    const rate = taxRate(l.taxPercent);
    if (!isDecimal(l.quantity) || !isDecimal(l.unitPrice) || rate === null) {
      complete = false;
      return null;
    }
    const a = lineAmounts({ quantity: l.quantity.trim(), unitPrice: l.unitPrice.trim(), taxRate: rate });
    subtotal = subtotal.plus(a.net);
    taxTotal = taxTotal.plus(a.tax);
    return { net: plain(a.net), tax: plain(a.tax), total: plain(a.total) };
  });
  return { lines: out, subtotal: plain(subtotal), taxTotal: plain(taxTotal), amount: plain(subtotal.plus(taxTotal)), complete };
}

/** What a payment (or credit) of `amount` has left once `allocations` are applied; blanks count as 0. */
export function allocationSummary(amount: string, allocations: string[]): { allocated: string; remaining: string; over: boolean; valid: boolean } {
  let allocated = new Decimal(0);
  let valid = true;
  for (const a of allocations) {
    if (a.trim() === '') continue;
    if (!isDecimal(a)) valid = false;
    else allocated = allocated.plus(a.trim());
  }
  const total = isDecimal(amount) ? new Decimal(amount.trim()) : new Decimal(0);
  const remaining = total.minus(allocated);
  return { allocated: plain(allocated), remaining: plain(remaining), over: remaining.isNegative(), valid };
}

/** The smaller of two decimal strings (fill an allocation with what is left, at most the balance). */
export function minDecimal(a: string, b: string): string {
  const x = new Decimal(a);
  const y = new Decimal(b);
  return plain(Decimal.max(0, x.lt(y) ? x : y));
}

/** a > b, exactly. */
export const greaterThan = (a: string, b: string) => new Decimal(a).gt(b);
