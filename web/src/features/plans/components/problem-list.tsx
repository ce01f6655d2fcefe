import type { PlanProblem } from '../types';

/** Validation problems with step, field, line:column and the caret excerpt. */
export function ProblemList({ problems }: { problems: PlanProblem[] }) {
  return (
    <ul className="problems" data-testid="plan-problems">
      {problems.map((p, i) => (
        <li key={i} className="problem">
          <div className="problem-head">
            {p.stepKey && <strong>{p.stepKey}</strong>}
            {p.field && <span className="muted">{p.field}</span>}
            {p.line !== null && (
              <span className="problem-pos">
                line {p.line}, column {p.column}
              </span>
            )}
          </div>
          <div className="problem-message">{p.message}</div>
          {p.excerpt && <pre className="excerpt">{p.excerpt}</pre>}
        </li>
      ))}
    </ul>
  );
}
