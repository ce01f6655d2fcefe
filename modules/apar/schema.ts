import { z } from 'zod';
import { Decimal } from '../core/decimal';

/**
 * Wire schemas of the AP/AR API (`/api/v1/tenants/{tid}/apar/...`), shared by the routes and the
 * SPA. Money, quantities and rates travel as decimal strings; ids are the per-tenant integers.
 */

/** numeric(38,10): at most 28 integer digits and 10 decimals, strictly positive. */
export const Amount = z
  .string()
  .regex(/^\d{1,28}(\.\d{1,10})?$/, 'must be a decimal string with at most 28 integer digits and 10 decimals')
  .refine((s) => /[1-9]/.test(s), 'must be greater than 0');
/** A non-negative decimal string (unit price, tax rate). */
export const NonNegative = z
  .string()
  .regex(/^\d{1,28}(\.\d{1,10})?$/, 'must be a non-negative decimal string with at most 10 decimals');
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO currency code');
export const IsoDate = z.iso.date();
const Id = z.coerce
  .number()
  .int()
  .min(1)
  .max(2 ** 53 - 1);

export const PartyKind = z.enum(['customer', 'vendor']);
export type PartyKind = z.infer<typeof PartyKind>;
export const DocumentKind = z.enum(['invoice', 'bill', 'credit_note', 'vendor_credit']);
export type DocumentKind = z.infer<typeof DocumentKind>;
export const PaymentKind = z.enum(['received', 'made']);
export type PaymentKind = z.infer<typeof PaymentKind>;
export const DocumentStatus = z.enum(['open', 'partial', 'paid']);

export const TenantParams = z.object({ tid: z.uuid() });
export const ItemParams = z.object({ tid: z.uuid(), id: Id });

export const ContactBody = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(200).nullish(),
  phone: z.string().max(50).nullish(),
  role: z.string().max(100).nullish(),
});
export type ContactBody = z.infer<typeof ContactBody>;
export const Contact = ContactBody.extend({ id: z.number(), createdAt: z.string() }).required();

export const PartyBody = z.object({
  name: z.string().trim().min(1).max(200),
  email: z
    .string()
    .regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address')
    .max(200)
    .nullish(),
  contacts: z.array(ContactBody).max(50).optional(),
});
export type PartyBody = z.infer<typeof PartyBody>;
export const Party = z.object({
  id: z.number(),
  kind: PartyKind,
  name: z.string(),
  email: z.string().nullable(),
  createdAt: z.string(),
  contacts: z.array(Contact),
  balance: z.string(),
});
export type Party = z.infer<typeof Party>;
/** A party without its ledger balance (lists that do not need it: legacy's shape has none). */
export type PartySummary = Omit<Party, 'balance'>;

export const LineBody = z.object({
  description: z.string().max(500).default(''),
  quantity: Amount,
  unitPrice: NonNegative,
  taxRate: NonNegative.default('0'),
});
export type LineBody = z.input<typeof LineBody>;

/**
 * One line's amounts in decimal, the same on the server (posting) and in the SPA (live totals):
 * net = quantity × unit price (kept to numeric(38,10)'s 10 decimals), tax = net × tax rate rounded
 * half-even to 2 decimals (cents), total = net + tax.
 */
export function lineAmounts(l: { quantity: string; unitPrice: string; taxRate?: string }): {
  net: Decimal;
  tax: Decimal;
  total: Decimal;
} {
  const net = new Decimal(l.quantity).times(l.unitPrice).toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN);
  const tax = net.times(l.taxRate ?? '0').toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
  return { net, tax, total: net.plus(tax) };
}

export const DocumentBody = z
  .object({
    partyId: Id,
    number: z.string().min(1).max(50).optional(),
    projectId: Id.nullish(),
    issueDate: IsoDate,
    dueDate: IsoDate,
    currency: Currency.default('USD'),
    exchangeRate: Amount.default('1'),
    description: z.string().max(500).nullish(),
    category: z.string().min(1).max(50).nullish(),
    lines: z.array(LineBody).min(1).max(500),
  })
  .refine((b) => b.dueDate >= b.issueDate, { path: ['dueDate'], message: 'must not be before issueDate' });
export type DocumentBody = z.input<typeof DocumentBody>;

export const Line = z.object({
  position: z.number(),
  description: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  taxRate: z.string(),
  net: z.string(),
  tax: z.string(),
  total: z.string(),
});
export const Allocation = z.object({
  sourceKind: z.string(),
  sourceId: z.number(),
  docKind: z.string(),
  docId: z.number(),
  amount: z.string(),
  date: z.string(),
});
export const Document = z.object({
  id: z.number(),
  kind: DocumentKind,
  number: z.string(),
  partyId: z.number(),
  projectId: z.number().nullable(),
  issueDate: z.string(),
  dueDate: z.string(),
  currency: z.string(),
  exchangeRate: z.string(),
  subtotal: z.string(),
  taxTotal: z.string(),
  amount: z.string(),
  amountPaid: z.string(),
  balance: z.string(),
  status: DocumentStatus,
  /** Bills entered in fig need approval before payment (draft → pending → approved); others not_required. */
  approval: z.enum(['not_required', 'draft', 'pending', 'approved']),
  description: z.string().nullable(),
  category: z.string().nullable(),
  createdAt: z.string(),
  /** When the invoice was last mailed to the customer's billing contact (POST …/invoices/{id}/send). */
  sentAt: z.string().nullable(),
});
export type Document = z.infer<typeof Document>;
export const DocumentDetail = Document.extend({ lines: z.array(Line), allocations: z.array(Allocation) });
export type DocumentDetail = z.infer<typeof DocumentDetail>;

export const AllocationBody = z.object({ documentId: Id, amount: Amount });
export const PaymentBody = z.object({
  partyId: Id,
  amount: Amount,
  date: IsoDate,
  currency: Currency.default('USD'),
  exchangeRate: Amount.default('1'),
  method: z.string().min(1).max(50).default('bank_transfer'),
  reference: z.string().max(100).nullish(),
  /** Explicit allocations; omitted: applied to the oldest due open documents. [] keeps it all as credit. */
  allocations: z.array(AllocationBody).max(100).optional(),
});
export type PaymentBody = z.input<typeof PaymentBody>;
export const AllocateBody = z.object({ allocations: z.array(AllocationBody).min(1).max(100) });
export const Payment = z.object({
  id: z.number(),
  kind: PaymentKind,
  partyId: z.number(),
  amount: z.string(),
  currency: z.string(),
  exchangeRate: z.string(),
  date: z.string(),
  method: z.string(),
  reference: z.string().nullable(),
  applied: z.string(),
  unapplied: z.string(),
  allocations: z.array(z.object({ documentId: z.number(), amount: z.string(), date: z.string() })),
  createdAt: z.string(),
});
export type Payment = z.infer<typeof Payment>;

export const WriteOffBody = z.object({
  documentKind: DocumentKind.exclude(['credit_note', 'vendor_credit']),
  documentId: Id,
  amount: Amount,
  reason: z.string().trim().min(1).max(500),
  date: IsoDate,
});
export type WriteOffBody = z.infer<typeof WriteOffBody>;
export const WriteOff = WriteOffBody.extend({ id: z.number(), createdBy: z.string(), createdAt: z.string() });

/** One sort key of a list: a field name of the listed items and a direction (id always breaks ties). */
export interface SortKey {
  field: string;
  dir: 'asc' | 'desc';
}
/** Sortable fields per list (`sort=-dueDate,number`: `-` descending, at most 3 fields). */
export const SORT_FIELDS = {
  documents: ['id', 'number', 'issueDate', 'dueDate', 'amount', 'partyId', 'createdAt'],
  parties: ['id', 'name', 'createdAt'],
  payments: ['id', 'date', 'amount', 'partyId', 'createdAt'],
} as const;
export const sortParam = (fields: readonly string[]) =>
  z
    .string()
    .max(200)
    .regex(/^-?[A-Za-z]+(,-?[A-Za-z]+){0,2}$/, 'sort is up to 3 comma-separated field names, each with an optional leading "-"')
    .refine((s) => s.split(',').every((f) => fields.includes(f.replace(/^-/, ''))), {
      message: `unknown sort field: sortable are ${fields.join(', ')}`,
    })
    .optional();
/** Parse a validated `sort` parameter. */
export const parseSort = (s: string | undefined): SortKey[] =>
  (s ?? '').split(',').filter(Boolean).map((f) => (f.startsWith('-') ? { field: f.slice(1), dir: 'desc' } : { field: f, dir: 'asc' }));

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  partyId: Id.optional(),
  status: DocumentStatus.optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;
const page = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    total: z.number(),
    hasMore: z.boolean(),
    nextCursor: z.string().nullable(),
  });
export const PartyList = page(Party);
export const DocumentList = page(Document);
export const PaymentList = page(Payment);

export const AgingQuery = z.object({ asOf: IsoDate.optional(), side: z.enum(['AR', 'AP']).default('AR') });
export const AgingBucket = z.object({
  bucket: z.string(),
  amount: z.string(),
  baseAmount: z.string(),
  count: z.number(),
});
export const AgingReport = z.object({
  asOf: z.string(),
  side: z.enum(['AR', 'AP']),
  baseCurrency: z.string(),
  baseTotal: z.string(),
  count: z.number(),
  buckets: z.array(AgingBucket),
  currencies: z.array(z.object({ currency: z.string(), total: z.string(), baseTotal: z.string() })),
  parties: z.array(
    z.object({ id: z.number(), name: z.string(), baseTotal: z.string(), buckets: z.array(AgingBucket) }),
  ),
});
export type AgingReport = z.infer<typeof AgingReport>;

export const StatementQuery = z.object({ from: IsoDate, to: IsoDate });
export const Statement = z.object({
  partyId: z.number(),
  name: z.string(),
  from: z.string(),
  to: z.string(),
  opening: z.string(),
  closing: z.string(),
  entries: z.array(
    z.object({
      date: z.string(),
      sourceKind: z.string(),
      sourceId: z.number(),
      documentId: z.number().nullable(),
      amount: z.string(),
      balance: z.string(),
    }),
  ),
});
export type Statement = z.infer<typeof Statement>;

export const Settings = z.object({
  baseCurrency: Currency,
  agingBuckets: z
    .array(z.number().int().min(1).max(3650))
    .min(1)
    .max(10)
    .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), 'must be increasing'),
});
export type Settings = z.infer<typeof Settings>;

// ---- edits, bill approval (ADR 0026)

/** A change to a posted document: only `description` may change; every other field is refused with its path. */
export const DocumentPatchBody = z
  .object({ description: z.string().max(500).nullable().optional() })
  .catchall(z.unknown());
export const ApprovalDecisionBody = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().max(2000).optional(),
});
export const BillApprovalState = z.object({
  billId: z.number(),
  approval: z.enum(['not_required', 'draft', 'pending', 'approved']),
  /** The latest approval instance (modules/approvals shape: steps, currentStep, history), null if never submitted. */
  instance: z.unknown().nullable(),
});

// ---- collections: activities, timeline, overdue per customer

export const ActivityBody = z
  .object({
    type: z.enum(['note', 'promise', 'sent']),
    text: z.string().max(2000).default(''),
    documentKind: DocumentKind.optional(),
    documentId: Id.optional(),
    promisedDate: IsoDate.optional(),
    promisedAmount: Amount.optional(),
  })
  .refine((b) => (b.type === 'promise') === (b.promisedDate !== undefined), {
    path: ['promisedDate'],
    message: 'is required for a promise and only for a promise',
  })
  .refine((b) => (b.documentKind === undefined) === (b.documentId === undefined), {
    path: ['documentId'],
    message: 'documentKind and documentId go together',
  });
export type ActivityBody = z.input<typeof ActivityBody>;
export const TimelineEvent = z.object({
  type: z.enum(['created', 'sent', 'payment', 'credit', 'write_off', 'note', 'promise']),
  /** The business date (issue, payment, write-off date) or, for recorded activities, the day recorded. */
  date: z.string(),
  at: z.string(),
  documentKind: z.string().nullable(),
  documentId: z.number().nullable(),
  sourceKind: z.string().nullable(),
  sourceId: z.number().nullable(),
  amount: z.string().nullable(),
  text: z.string().nullable(),
  promisedDate: z.string().nullable(),
  actor: z.string().nullable(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;
export const Timeline = z.object({ data: z.array(TimelineEvent) });
export const DocumentTimelineParams = z.object({ tid: z.uuid(), id: Id });
export const CollectionsQuery = z.object({
  asOf: IsoDate.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export const CollectionsRow = z.object({
  customerId: z.number(),
  name: z.string(),
  overdueCount: z.number(),
  /** Σ overdue balances in the tenant's base currency (each at its document's posting rate). */
  overdueBaseTotal: z.string(),
  oldestDueDate: z.string(),
  daysOverdue: z.number(),
  promise: z.object({ date: z.string(), amount: z.string().nullable(), at: z.string() }).nullable(),
  lastNote: z.object({ text: z.string(), at: z.string(), actor: z.string() }).nullable(),
  invoices: z.array(
    z.object({
      id: z.number(),
      number: z.string(),
      dueDate: z.string(),
      daysOverdue: z.number(),
      currency: z.string(),
      balance: z.string(),
    }),
  ),
});
export const CollectionsList = page(CollectionsRow);

// ---- saved views

export const SavedViewListName = z.enum([
  'invoices',
  'bills',
  'credit-notes',
  'vendor-credits',
  'customers',
  'vendors',
  'payments-received',
  'bill-payments',
  'aging',
  'collections',
]);
export const SavedViewBody = z.object({
  list: SavedViewListName,
  name: z.string().trim().min(1).max(100),
  filters: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/),
      z.union([z.string().max(200), z.number(), z.boolean(), z.null()]),
    )
    .refine((f) => Object.keys(f).length <= 20, 'at most 20 filters')
    .default({}),
  sort: z
    .array(z.object({ field: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/), dir: z.enum(['asc', 'desc']) }))
    .max(5)
    .default([]),
});
export type SavedViewBody = z.input<typeof SavedViewBody>;
export const SavedView = z.object({
  id: z.uuid(),
  list: SavedViewListName,
  name: z.string(),
  filters: z.record(z.string(), z.unknown()),
  sort: z.array(z.object({ field: z.string(), dir: z.enum(['asc', 'desc']) })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedView = z.infer<typeof SavedView>;
export const SavedViewQuery = z.object({ list: SavedViewListName.optional() });
export const SavedViewParams = z.object({ tid: z.uuid(), id: z.uuid() });
export const SavedViewList = z.object({ data: z.array(SavedView) });

// ---- exports

export const ExportFormat = z.enum(['csv', 'xlsx']);
export const DocumentExportQuery = z.object({
  format: ExportFormat.default('csv'),
  partyId: Id.optional(),
  status: DocumentStatus.optional(),
});
export const AgingExportQuery = AgingQuery.extend({ format: ExportFormat.default('csv') });
