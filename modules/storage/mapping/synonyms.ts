/**
 * Known names for the identity targets and the default input catalog's keys (the legacy five),
 * as phrases normalised by `normalise`. A plan input without an entry here is matched by its own
 * name, its catalog label and its description.
 */
export const SYNONYMS: Record<string, string[]> = {
  employee_id: [
    'employee id', 'employee number', 'employee', 'staff id', 'staff number', 'personnel number', 'person id', 'worker id',
    'associate id', 'badge number', 'payroll id', 'payroll number', 'employee code', 'id', 'hris id', 'user id', 'pernr', 'employee ref',
  ],
  name: ['name', 'full name', 'employee name', 'staff name', 'display name', 'worker name', 'associate name', 'legal name', 'last name first name'],
  department: ['department', 'department name', 'team', 'division', 'cost center', 'cost centre', 'business unit', 'organisation unit', 'unit', 'function', 'group', 'org unit', 'organisation'],
  base_salary: [
    'base salary', 'salary', 'base pay', 'annual salary', 'basic salary', 'base', 'annual base', 'base compensation', 'base annual salary',
    'annual base salary', 'fixed salary', 'gross salary', 'yearly salary', 'annual pay', 'salary annual', 'fixed pay', 'base wage', 'annualised salary', 'annualized salary',
  ],
  target_pct: [
    'target percent', 'target bonus percent', 'bonus target percent', 'bonus target', 'target bonus', 'bonus percent', 'incentive target', 'target incentive percent',
    'target', 'sti target', 'sti target percent', 'bonus opportunity', 'target bonus rate', 'bonus rate', 'on target percent', 'variable pay target', 'target bonus pct',
  ],
  performance_score: [
    'performance score', 'performance', 'performance rating', 'rating', 'score', 'perf rating', 'appraisal score', 'review score', 'individual performance',
    'performance factor', 'individual rating', 'performance multiplier', 'evaluation score', 'kpi score',
  ],
  fund_return: ['fund return', 'fund performance', 'return', 'portfolio return', 'fund yield', 'fund growth', 'investment return', 'fund return percent', 'fund perf'],
  revenue: ['revenue', 'sales', 'bookings', 'turnover', 'revenue attributed', 'attributed revenue', 'net revenue', 'gross revenue', 'revenue generated', 'sales volume', 'book of business', 'production'],
};

/** Identity targets every mapping may use besides the plan's inputs. */
export { IDENTITY_TARGETS, type IdentityTarget } from '../../core/cell-number';
