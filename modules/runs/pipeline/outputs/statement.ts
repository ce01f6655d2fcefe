import { pdfBuffer } from '../../../core/export-files';
import type { OutputRow, OutputRun } from './types';

/** The plain-language lines of a statement, in order (also what the PDF prints). */
export function statementLines(run: OutputRun, row: OutputRow): { heading?: string; text?: string }[] {
  const out: { heading?: string; text?: string }[] = [];
  const plan = run.planId
    ? `plan ${run.planId}${run.planVersion !== null ? ` version ${run.planVersion}` : ''}`
    : 'its plan';
  out.push({ heading: 'Compensation statement' });
  out.push({ text: `Employee ${row.employeeId}: ${row.name} (${row.department})` });
  out.push({
    text: `Run ${run.id}${run.name ? ` "${run.name}"` : ''}, calculated with ${plan}; status ${run.status}.`,
  });
  const layout = run.layout;
  const inputs = row.tape?.[0] ?? [];
  const conditions = row.tape?.[1] ?? '';
  out.push({ heading: 'Your inputs' });
  if (layout && row.tape)
    layout.inputs.forEach((name, i) => out.push({ text: `${name}: ${inputs[i] ?? ''}` }));
  else out.push({ text: 'The inputs of this result were not recorded.' });
  out.push({ heading: 'How it was calculated' });
  if (!row.ok) {
    out.push({
      text: `The calculation stopped${row.error?.step ? ` at step ${row.error.step}` : ''}: ${row.error?.message ?? 'unknown error'}.`,
    });
  } else if (layout) {
    layout.steps.forEach((s, i) => {
      const what = s.description ? `${s.description} (${s.key})` : s.key;
      const value = row.outputs[s.output] ?? '';
      const cond = conditions[i];
      const condText =
        !s.conditional || cond === undefined || cond === '-'
          ? ''
          : cond === 'T'
            ? ' Its condition was met.'
            : ' Its condition was not met.';
      out.push({ text: `Step ${i + 1}: ${what} gives ${s.output} = ${value}.${condText}` });
    });
  }
  out.push({ heading: 'Result' });
  if (row.ok) {
    out.push({ text: `Your ${run.payoutOutput} is ${row.payout ?? 'not set'}.` });
    if (run.pool === null) out.push({ text: 'No pool was applied to this run: the result is your payout.' });
    else
      out.push({
        text: `Pool share: a pool of ${run.pool} was shared over all payouts; your share is ${row.poolShare ?? row.payout ?? '0'}.`,
      });
  } else out.push({ text: 'No payout was calculated for you in this run.' });
  return out;
}

/** One employee's statement as a PDF (pdfkit): the tape explained, step by step. */
export function statementPdf(run: OutputRun, row: OutputRow): Promise<Buffer> {
  return pdfBuffer({ Title: `Statement ${row.employeeId}, run ${run.id}` }, (doc) => {
    for (const line of statementLines(run, row)) {
      if (line.heading)
        doc
          .moveDown(0.6)
          .font('Helvetica-Bold')
          .fontSize(line.heading === 'Compensation statement' ? 18 : 13)
          .text(line.heading);
      if (line.text) doc.font('Helvetica').fontSize(10.5).text(line.text);
    }
  });
}
