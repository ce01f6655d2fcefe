import { withTenant, type Trx } from '../../core/db';
import type { FieldError } from '../../core/errors';
import { findPlanInputs, type PlanInputsForMapping } from '../../plans/index';
import type { UploadRecord } from '../../runs/index';
import { StorageErrors } from '../errors';
import { targetsFor } from '../mapping/corpus';
import { normalise } from '../mapping/normalise';
import { suggestMapping, type MappingTarget } from '../mapping/suggest';
import * as repo from '../repo';
import type { ColumnMap, MappingSuggestions, SaveMappingBody, Upload } from '../schema';
import { IDENTITY_TARGETS } from '../mapping/synonyms';
import { auditStorage, type Caller, type StorageDeps } from './context';
import { toUpload } from './mappers';
import { rebuildProblems, type InputSpec } from './validate-rows';

/** Sample rows read for type sniffing. */
const SAMPLE_ROWS = 50;

/** The key a preset is found by: the file's headers, normalised and sorted. */
export const headersKey = (headers: string[]) => [...headers].map((h) => normalise(h) || h.toLowerCase()).sort().join('|');

/** The upload, which must be parsed (else 409), read in the caller's tenant (else 404). */
export async function parsedUpload(trx: Trx, id: number, opts: { lock?: boolean } = {}): Promise<UploadRecord> {
  const upload = opts.lock ? await repo.lockUpload(trx, id) : await repo.findUpload(trx, id);
  if (!upload || upload.tus_id === null) throw StorageErrors.uploadNotFound(id);
  if (upload.status !== 'parsed') throw StorageErrors.notParsed(id, upload.status);
  return upload;
}

async function planFor(trx: Trx, caller: Caller, planId: string): Promise<{ plan: PlanInputsForMapping; targets: MappingTarget[] }> {
  const plan = await findPlanInputs(trx, caller.tenantId, planId);
  if (!plan) throw StorageErrors.planNotFound(planId);
  return { plan, targets: targetsFor(plan.inputs) };
}

/** Suggest which column feeds each of the plan's inputs; a saved preset for the same headers wins. */
export async function suggestUploadMapping(deps: StorageDeps, caller: Caller, uploadId: number, planId: string): Promise<MappingSuggestions> {
  return withTenant(deps.db, caller.tenantId, async (trx) => {
    const upload = await parsedUpload(trx, uploadId);
    const { plan, targets } = await planFor(trx, caller, planId);
    const headers = upload.columns ?? [];
    const rows = await repo.sampleRows(trx, uploadId, SAMPLE_ROWS);
    const samples = headers.map((column) => ({ column, samples: rows.map((r) => r.fields?.[column] ?? '') }));
    const keys = new Set(targets.map((t) => t.key));
    const preset = (await repo.findPresetsByHeaders(trx, headersKey(headers))).find((p) => !p.plan_family_id || p.plan_family_id === plan.familyId);
    let columns = suggestMapping(samples, targets);
    if (preset) {
      columns = columns.map((c) => {
        const target = preset.columns[c.column] ?? null;
        return target === null || keys.has(target)
          ? { ...c, target, confidence: 1, reason: `saved preset '${preset.name}'` }
          : c;
      });
    }
    const used = new Set(columns.map((c) => c.target).filter(Boolean));
    return {
      planId: plan.id,
      planVersion: plan.version,
      presetId: preset?.id ?? null,
      columns,
      targets: targets.map((t) => ({ key: t.key, kind: t.kind, required: t.key === 'employee_id' || !IDENTITY_TARGETS.includes(t.key as never) })),
      unmappedTargets: targets.map((t) => t.key).filter((k) => !used.has(k)),
    };
  });
}

/** Field errors of a column map against the file's headers and the plan's targets. */
function checkColumns(columns: ColumnMap, headers: string[], targets: MappingTarget[]): FieldError[] {
  const errors: FieldError[] = [];
  const keys = new Set(targets.map((t) => t.key));
  const seen = new Map<string, string>();
  for (const [column, target] of Object.entries(columns)) {
    const path = `body.columns.${column}`;
    if (!headers.includes(column)) errors.push({ path, message: 'is not a column of the file', code: 'unknown_column' });
    if (target === null) continue;
    if (!keys.has(target)) errors.push({ path, message: `'${target}' is not an input of the plan (nor employee_id, name, department)`, code: 'unknown_target' });
    else if (seen.has(target)) errors.push({ path, message: `'${target}' is already fed by column '${seen.get(target)}'`, code: 'duplicate_target' });
    else seen.set(target, column);
  }
  return errors;
}

/**
 * Save the upload's mapping (docs/storage.md contract): rebuild the validation report, record
 * mapping, plan and problem count on the upload; optionally save it as a preset. Audited. The rows
 * are not rewritten: whoever reads them maps their cells (`mapFields`, modules/core/cell-number.ts),
 * the run's threads as they read each chunk (ADR 0029).
 */
export async function saveUploadMapping(deps: StorageDeps, caller: Caller, uploadId: number, body: SaveMappingBody): Promise<Upload> {
  return withTenant(deps.db, caller.tenantId, async (trx) => {
    const upload = await parsedUpload(trx, uploadId, { lock: true });
    const { plan, targets } = await planFor(trx, caller, body.planId);
    const headers = upload.columns ?? [];
    const errors = checkColumns(body.columns, headers, targets);
    if (errors.length) throw StorageErrors.badMapping(errors);
    const columnOf = (target: string) => Object.entries(body.columns).find(([, t]) => t === target)?.[0] ?? null;
    const specs: InputSpec[] = plan.inputs
      .filter((i) => !IDENTITY_TARGETS.includes(i.name as never))
      .map((i) => ({ input: i.name, col: columnOf(i.name), rule: i.type === 'money' ? 'money' : i.type === 'percent' ? 'percent' : 'decimal' }));
    const employeeCol = columnOf('employee_id');
    const problemCount = await rebuildProblems(trx, caller.tenantId, uploadId, employeeCol, specs, upload.column_stats);
    let presetId = body.presetId ?? null;
    if (body.savePreset) {
      const taken = (await repo.listPresets(trx)).some((p) => p.name === body.savePreset!.name);
      if (taken) throw StorageErrors.presetNameTaken(body.savePreset.name);
      const preset = await repo.insertPreset(trx, {
        tenantId: caller.tenantId,
        name: body.savePreset.name,
        planFamilyId: plan.familyId,
        columns: body.columns,
        headersKey: headersKey(headers),
        createdBy: caller.actor,
      });
      presetId = preset.id;
      await auditStorage(trx, caller, { action: 'mapping_preset.created', entity: 'mapping_preset', entityId: preset.id, after: { name: preset.name, columns: body.columns } });
    }
    const mapping = { plan_id: plan.id, plan_version: plan.version, columns: body.columns, preset_id: presetId };
    const after = await repo.updateUpload(trx, uploadId, { mapping: JSON.stringify(mapping), plan_id: plan.id, problem_count: problemCount });
    await auditStorage(trx, caller, {
      action: 'upload.mapping_saved',
      entity: 'upload',
      entityId: String(uploadId),
      before: upload.mapping,
      after: { mapping, problemCount },
    });
    return toUpload(after);
  });
}
