import { Link } from '../../../app/router';
import type { ApprovalInstance } from '../types';

const SUBJECTS: Record<string, { label: string; href: (id: string) => string | undefined }> = {
  run: { label: 'Bonus run', href: (id) => `/runs/${id}` },
  ap_bill: { label: 'Vendor bill', href: (id) => `/apar/bills/${id}` },
};

/** How an approval's subject reads ("Bonus run 42"). */
export function subjectText(instance: ApprovalInstance): string {
  const kind = SUBJECTS[instance.subjectType];
  return `${kind?.label ?? instance.subjectType} ${instance.subjectId.length > 12 ? instance.subjectId.slice(0, 8) : instance.subjectId}`;
}

/** The subject of an approval, linked to its page when it has one. */
export function SubjectLink({ instance }: { instance: ApprovalInstance }) {
  const href = SUBJECTS[instance.subjectType]?.href(instance.subjectId);
  return href ? (
    <Link to={href} className="strong-link">
      {subjectText(instance)}
    </Link>
  ) : (
    <span className="strong">{subjectText(instance)}</span>
  );
}
