import { useEffect, useState } from 'react';
import { navigate } from '../../../app/router';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { FormError } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/api-client';
import { useCreateReport } from '../api/create-report';
import type { ReportSource } from '../types';

type Kind = 'historical' | 'generated';

/** Parse "1, 2 3" into batch ids; undefined when something is not a positive integer. */
function parseBatchIds(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) return undefined;
  return [...new Set(parts.map(Number))];
}

const today = () => new Date().toISOString().slice(0, 10);

/** "Run parity": historical batches (all or some) or N generated employees with a seed. */
export function RunParityDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateReport();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('historical');
  const [allBatches, setAllBatches] = useState(true);
  const [batchText, setBatchText] = useState('');
  const [employees, setEmployees] = useState('1000');
  const [seed, setSeed] = useState('1');
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    if (!open) return;
    setName(`Parity ${today()}`);
    setKind('historical');
    setAllBatches(true);
    setBatchText('');
    setEmployees('1000');
    setSeed('1');
    setTouched(false);
    create.reset();
  }, [open]);

  const batchIds = parseBatchIds(batchText);
  const n = /^\d+$/.test(employees) ? Number(employees) : NaN;
  const s = /^\d+$/.test(seed) ? Number(seed) : NaN;
  const errors = {
    name: name.trim() ? undefined : 'Give the report a name',
    batches:
      kind === 'historical' && !allBatches && !batchIds
        ? 'List batch ids as positive whole numbers, e.g. 1, 2, 3'
        : undefined,
    employees:
      kind === 'generated' && !(n >= 1 && n <= 200_000) ? 'Between 1 and 200,000 employees' : undefined,
    seed: kind === 'generated' && !(s >= 0 && s <= 2 ** 31 - 1) ? 'A whole number from 0' : undefined,
  };
  const invalid = Object.values(errors).some(Boolean);
  const api = create.error instanceof ApiError ? create.error : undefined;

  const submit = () => {
    setTouched(true);
    if (invalid || create.isPending) return;
    const source: ReportSource =
      kind === 'historical'
        ? { kind: 'historical', batchIds: allBatches ? 'all' : batchIds! }
        : { kind: 'generated', employees: n, seed: s };
    create.mutate(
      { name: name.trim(), source },
      {
        onSuccess: (report) => {
          toast(
            report.status === 'running'
              ? `“${report.name}” is queued; the worker runs it`
              : `“${report.name}” finished`,
          );
          onClose();
          navigate(`/parity/${report.id}`);
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      title="Run a parity report"
      onClose={() => !create.isPending && onClose()}
      onSubmit={submit}
      footer={
        <>
          <Button variant="ghost" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={create.isPending} data-testid="run-parity-submit">
            {create.isPending ? 'Running…' : 'Run parity'}
          </Button>
        </>
      }
    >
      <p className="muted lead">
        Replays employees through the legacy engine and the new engine and compares every output to the cent.
        Runs up to 5,000 employees at once; larger ones go to the worker.
      </p>
      <Field
        label="Name"
        name="name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={(touched && errors.name) || api?.fieldError('name')}
      />
      <fieldset>
        <legend>Employees</legend>
        <div className="parity-source">
          <label className="check">
            <input
              type="radio"
              name="kind"
              value="historical"
              checked={kind === 'historical'}
              onChange={() => setKind('historical')}
            />
            Historical legacy batches
          </label>
          {kind === 'historical' && (
            <div className="parity-source-detail">
              <label className="check">
                <input
                  type="radio"
                  name="batches"
                  checked={allBatches}
                  onChange={() => setAllBatches(true)}
                />{' '}
                All batches
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="batches"
                  checked={!allBatches}
                  onChange={() => setAllBatches(false)}
                />{' '}
                Only batches
              </label>
              {!allBatches && (
                <Field
                  label="Batch ids"
                  name="batchIds"
                  placeholder="1, 2, 3"
                  value={batchText}
                  onChange={(e) => setBatchText(e.target.value)}
                  error={touched ? errors.batches : undefined}
                  autoFocus
                />
              )}
            </div>
          )}
          <label className="check">
            <input
              type="radio"
              name="kind"
              value="generated"
              checked={kind === 'generated'}
              onChange={() => setKind('generated')}
            />
            Generated employees
          </label>
          {kind === 'generated' && (
            <div className="parity-source-detail form-row">
              <Field
                label="Employees"
                name="employees"
                inputMode="numeric"
                className="num-input"
                value={employees}
                onChange={(e) => setEmployees(e.target.value)}
                error={touched ? errors.employees : undefined}
              />
              <Field
                label="Seed"
                name="seed"
                inputMode="numeric"
                className="num-input"
                value={seed}
                onChange={(e) => setSeed(e.target.value)}
                error={touched ? errors.seed : undefined}
                hint="Same seed, same employees."
              />
            </div>
          )}
        </div>
      </fieldset>
      {create.isPending && (
        <div className="notice" role="status">
          <span className="spinner spinner-inline" aria-hidden /> Replaying through both engines…
        </div>
      )}
      <FormError error={create.error} shownFields={['name']} />
    </Dialog>
  );
}
