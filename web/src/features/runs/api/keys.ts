/** Query keys of the runs feature (uploads, mapping, runs, results); mutations invalidate from these. */
export const runKeys = {
  all: ['runs'] as const,
  list: (tid: string) => ['runs', tid, 'list'] as const,
  detail: (tid: string, id: number) => ['runs', tid, 'detail', id] as const,
  results: (tid: string, id: number, sort: string) => ['runs', tid, 'results', id, sort] as const,
  failures: (tid: string, id: number) => ['runs', tid, 'failures', id] as const,
  upload: (tid: string, id: number) => ['runs', tid, 'upload', id] as const,
  suggestions: (tid: string, id: number, planId: string) => ['runs', tid, 'upload', id, 'suggestions', planId] as const,
  preview: (tid: string, id: number) => ['runs', tid, 'upload', id, 'preview'] as const,
  problems: (tid: string, id: number) => ['runs', tid, 'upload', id, 'problems'] as const,
  plans: (tid: string) => ['runs', tid, 'plans'] as const,
};
