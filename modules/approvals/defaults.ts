import type { CreatePolicyBody } from './schema';

/** Policy key of the runs' approval (issue 14): manager → hr → finance → finalized. */
export const RUN_POLICY_KEY = 'run';
/** Policy key of AP bills (issue 15): manager → finance, and a second finance approval above 10,000. */
export const AP_BILL_POLICY_KEY = 'ap-bill';

/**
 * The policies every organisation starts with. They are written into the tenant's own tables the
 * first time they are needed (listing policies, or starting an approval on that key), so a new
 * organisation needs no seeding step; changing one is posting a new version.
 */
export const DEFAULT_POLICIES: readonly CreatePolicyBody[] = [
  {
    key: RUN_POLICY_KEY,
    subjectType: 'run',
    name: 'Bonus run approval',
    description: 'A run is reviewed by a manager, approved by HR, then by finance; the finance approval finalizes it.',
    distinctApprovers: true,
    steps: [
      { role: 'manager', label: 'Manager review', minAmount: null },
      { role: 'hr', label: 'HR approval', minAmount: null },
      { role: 'finance', label: 'Finance approval', minAmount: null },
    ],
  },
  {
    key: AP_BILL_POLICY_KEY,
    subjectType: 'ap_bill',
    name: 'Vendor bill approval',
    description: 'A bill is approved by a manager and by finance; bills above 10,000 need a second finance approver.',
    distinctApprovers: true,
    steps: [
      { role: 'manager', label: 'Budget owner approval', minAmount: null },
      { role: 'finance', label: 'Finance approval', minAmount: null },
      { role: 'finance', label: 'Second finance approval (above 10,000)', minAmount: '10000' },
    ],
  },
];
