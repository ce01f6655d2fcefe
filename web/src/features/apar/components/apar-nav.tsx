import { Link, useLocation } from '../../../app/router';
import { can, useSession } from '../../../lib/auth';
import { APAR } from '../types';

interface Tab {
  to: string;
  label: string;
  permission: string;
}
/** The AP/AR section's own tabs, by side; a tab the role cannot use is not shown. */
const GROUPS: Array<{ label: string; tabs: Tab[] }> = [
  {
    label: 'Receivables',
    tabs: [
      { to: `${APAR}/customers`, label: 'Customers', permission: 'apar.read' },
      { to: `${APAR}/invoices`, label: 'Invoices', permission: 'apar.read' },
      { to: `${APAR}/credit-notes`, label: 'Credit notes', permission: 'apar.read' },
      { to: `${APAR}/payments-received`, label: 'Payments', permission: 'apar.read' },
    ],
  },
  {
    label: 'Payables',
    tabs: [
      { to: `${APAR}/vendors`, label: 'Vendors', permission: 'apar.read' },
      { to: `${APAR}/bills`, label: 'Bills', permission: 'apar.read' },
      { to: `${APAR}/vendor-credits`, label: 'Vendor credits', permission: 'apar.read' },
      { to: `${APAR}/bill-payments`, label: 'Bill payments', permission: 'apar.read' },
      { to: `${APAR}/approvals`, label: 'Approvals', permission: 'approvals.read' },
    ],
  },
  {
    label: 'Reports',
    tabs: [
      { to: `${APAR}/aging`, label: 'Aging', permission: 'apar.read' },
      { to: `${APAR}/collections`, label: 'Collections', permission: 'apar.read' },
    ],
  },
];

/** Sub-navigation of the AP/AR screens (under the top bar's "AP/AR"). */
export function AparNav() {
  const session = useSession();
  const { pathname } = useLocation();
  return (
    <nav className="apar-nav" aria-label="AP/AR">
      {GROUPS.map((g) => {
        const tabs = g.tabs.filter((t) => can(session, t.permission));
        if (!tabs.length) return null;
        return (
          <div key={g.label} className="apar-nav-group">
            <span className="apar-nav-label">{g.label}</span>
            {tabs.map((t) => {
              const active = pathname === t.to || pathname.startsWith(`${t.to}/`);
              return (
                <Link key={t.to} to={t.to} className={`apar-tab ${active ? 'active' : ''}`} aria-current={active ? 'page' : undefined}>
                  {t.label}
                </Link>
              );
            })}
          </div>
        );
      })}
    </nav>
  );
}
