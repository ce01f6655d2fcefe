import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsvRecords } from '../../modules/core/csv';

/** Employee input row as the legacy service stores and accepts it (decimals as strings). */
export interface EmployeeRow {
  employee_id: string;
  name?: string | null;
  department?: string | null;
  base_salary: string;
  target_pct: string;
  performance_score: string;
  fund_return: string;
  revenue: string;
}

/** The fields of an EmployeeRow, in the order the legacy calculation receives them. */
const EMPLOYEE_FIELDS = [
  'employee_id',
  'name',
  'department',
  'base_salary',
  'target_pct',
  'performance_score',
  'fund_return',
  'revenue',
] as const satisfies readonly (keyof EmployeeRow)[];

/** One employee's result from the legacy engine. */
export interface LegacyResult {
  employee_id: string;
  perf_multiplier: string;
  fund_factor: string;
  band_multiplier: string;
  target: string;
  raw: string;
  capped: string;
  bonus: string;
  pool_bonus?: string | null;
}

export interface Band {
  min_revenue: string;
  multiplier: string;
}

export interface LegacyBatch {
  id: number;
  upload_id: number;
  scenario_name: string | null;
  pool_amount: string | null;
  band_version: number | null;
  bands: Band[];
  employee_count: number;
  total_bonus: string;
}

export class LegacyApiError extends Error {
  constructor(
    message: string,
    public readonly status: number,
  ) {
    super(message);
    this.name = 'LegacyApiError';
  }
}

const PAGE = 1000;
const here = path.dirname(fileURLToPath(import.meta.url));
/** The legacy service's source (its generator runs from there). */
export const LEGACY_DIR = path.resolve(here, '../../infra/legacy-fastapi');

/** A small client of the legacy bonus API: only what the parity runner reads. */
export class LegacyClient {
  constructor(
    private readonly baseUrl: string,
    private readonly signal?: AbortSignal,
  ) {}

  private async json<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(url, this.baseUrl), {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: this.signal,
    });
    const text = await res.text();
    if (!res.ok)
      throw new LegacyApiError(
        `legacy ${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`,
        res.status,
      );
    return JSON.parse(text) as T;
  }

  private async all<T>(url: string): Promise<T[]> {
    const out: T[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.json<{ items: T[]; total: number }>(
        'GET',
        `${url}?limit=${PAGE}&offset=${offset}`,
      );
      out.push(...page.items);
      if (page.items.length === 0 || out.length >= page.total) return out;
    }
  }

  listBatches(): Promise<LegacyBatch[]> {
    return this.all<LegacyBatch>('/api/v1/batches');
  }
  getBatch(id: number): Promise<LegacyBatch> {
    return this.json<LegacyBatch>('GET', `/api/v1/batches/${id}`);
  }
  batchResults(id: number): Promise<(EmployeeRow & LegacyResult & { row_no: number })[]> {
    return this.all(`/api/v1/batches/${id}/results`);
  }
  uploadRows(uploadId: number): Promise<(EmployeeRow & { row_no: number })[]> {
    return this.all(`/api/v1/uploads/${uploadId}/rows`);
  }
  async currentBands(): Promise<{ version: number; bands: Band[] }> {
    return this.json('GET', '/api/v1/admin/revenue-bands');
  }
  /** Stateless legacy calculation (nothing stored). */
  calculate(
    employees: EmployeeRow[],
    bands: Band[],
    poolAmount?: string | null,
  ): Promise<{ results: LegacyResult[] }> {
    return this.json('POST', '/api/v1/calculate', {
      // Rows read back from legacy carry more (row_no, results): send only what the calculation takes.
      employees: employees.map((e) => Object.fromEntries(EMPLOYEE_FIELDS.map((k) => [k, e[k]]))),
      bands,
      ...(poolAmount != null ? { pool_amount: poolAmount } : {}),
    });
  }
}

/** Employee rows from the legacy generator (`<python> -m legacy_fastapi.gen`, python from config LEGACY_PYTHON), deterministic for a seed. */
export async function generateRows(
  python: string,
  employees: number,
  seed: number,
  signal?: AbortSignal,
): Promise<EmployeeRow[]> {
  const csv = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      python,
      ['-m', 'legacy_fastapi.gen', '--employees', String(employees), '--seed', String(seed)],
      {
        cwd: LEGACY_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
      },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(
            new Error(`legacy generator exited with ${code}: ${Buffer.concat(err).toString().slice(0, 300)}`),
          ),
    );
  });
  return parseCsvRecords(csv) as unknown as EmployeeRow[];
}
