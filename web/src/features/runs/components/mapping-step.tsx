import { useEffect, useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useMappingSuggestions, usePreview, useSaveMapping } from '../api/uploads';
import type { ColumnSuggestion, Upload } from '../types';

function Confidence({ s }: { s: ColumnSuggestion }) {
  return (
    <span className={`confidence ${s.confidence < 0.6 ? 'confidence-low' : ''}`} title={s.reason}>
      {Math.round(s.confidence * 100)}%
    </span>
  );
}

/**
 * Step 2: map the file's columns to the plan's inputs. Suggestions come with a confidence and the
 * reason; every choice can be changed. Saving applies the mapping to every row and shows the first
 * 100 rows as they will be computed.
 */
export function MappingStep({ tenantId, upload, planId, onSaved }: { tenantId: string; upload: Upload; planId: string; onSaved: (u: Upload) => void }) {
  const suggestions = useMappingSuggestions(tenantId, upload.id, planId);
  const save = useSaveMapping(tenantId, upload.id);
  const [columns, setColumns] = useState<Record<string, string | null>>({});
  const [preset, setPreset] = useState('');
  useEffect(() => {
    if (suggestions.data) setColumns(Object.fromEntries(suggestions.data.columns.map((c) => [c.column, c.target])));
  }, [suggestions.data]);
  const saved = upload.mapping?.planId === planId;
  const preview = usePreview(tenantId, upload.id, saved);
  const targets = suggestions.data?.targets ?? [];
  const missing = useMemo(() => targets.filter((t) => t.required && !Object.values(columns).includes(t.key)).map((t) => t.key), [targets, columns]);

  if (suggestions.isPending) return <Loading label="Suggesting a mapping…" />;
  if (suggestions.isError) return <ErrorState error={suggestions.error} onRetry={() => void suggestions.refetch()} />;
  const inputNames = preview.data?.rows[0] ? Object.keys(preview.data.rows[0].inputs) : [];
  return (
    <section className="panel panel-pad" data-testid="mapping-step">
      <h2>2. Map the columns</h2>
      <div className="table-scroll">
        <table className="table table-compact">
          <thead>
            <tr>
              <th>Column in the file</th>
              <th>Sample values</th>
              <th>Maps to</th>
              <th className="num">Confidence</th>
            </tr>
          </thead>
          <tbody>
            {suggestions.data.columns.map((s) => (
              <tr key={s.column}>
                <td className="strong">{s.column}</td>
                <td className="muted small">{s.sample.slice(0, 3).join(' · ')}</td>
                <td>
                  <select
                    aria-label={`Target of ${s.column}`}
                    value={columns[s.column] ?? ''}
                    onChange={(e) => setColumns((c) => ({ ...c, [s.column]: e.target.value || null }))}
                  >
                    <option value="">— ignore —</option>
                    {targets.map((t) => (
                      <option key={t.key} value={t.key}>
                        {t.key}
                        {t.required ? ' *' : ''}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="num">
                  <Confidence s={s} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {missing.length > 0 && <p className="form-error">Not mapped yet (required): {missing.join(', ')}</p>}
      <div className="toolbar">
        <input type="text" aria-label="Save as preset" placeholder="Save as preset (optional)" value={preset} onChange={(e) => setPreset(e.target.value)} />
        <Button
          variant="primary"
          busy={save.isPending}
          onClick={() => save.mutate({ planId, columns, ...(preset.trim() ? { savePreset: { name: preset.trim() } } : {}) }, { onSuccess: onSaved })}
        >
          Apply mapping
        </Button>
      </div>
      <FormError error={save.error} />
      {saved && (
        <div data-testid="mapping-preview">
          <h3>Preview (first {preview.data?.rows.length ?? 0} rows)</h3>
          {preview.isPending ? (
            <Loading label="Loading preview…" />
          ) : preview.isError ? (
            <ErrorState error={preview.error} />
          ) : (
            <div className="table-scroll" style={{ maxHeight: 320 }}>
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th className="num">Row</th>
                    <th>Employee</th>
                    <th>Name</th>
                    {inputNames.map((n) => (
                      <th key={n} className="num">
                        {n}
                      </th>
                    ))}
                    <th>Problems</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.data.rows.map((r) => (
                    <tr key={r.rowNo}>
                      <td className="num">{r.rowNo}</td>
                      <td>{r.employeeId}</td>
                      <td>{r.name}</td>
                      {inputNames.map((n) => (
                        <td key={n} className="num">
                          {r.inputs[n] ?? <span className="muted">—</span>}
                        </td>
                      ))}
                      <td className="small">{r.problems.map((p) => p.message).join('; ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
