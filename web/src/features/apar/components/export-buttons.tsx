import { useMutation } from '@tanstack/react-query';
import { Button } from '../../../components/ui/button';
import { toast } from '../../../components/ui/toast';
import { useSession } from '../../../lib/auth';
import { downloadApar } from '../api/exports';

/** CSV and XLSX buttons for one AP/AR export path with the list's current filters. */
export function ExportButtons({ path, query, name }: { path: string; query: Record<string, string | number | undefined>; name: string }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const run = useMutation({
    mutationFn: (format: 'csv' | 'xlsx') => downloadApar(tid, path, { ...query, format }, `${name}.${format}`),
    onError: (e) => toast(`Export failed: ${e.message}`, 'error'),
  });
  return (
    <div className="apar-exports">
      {(['csv', 'xlsx'] as const).map((f) => (
        <Button key={f} size="sm" busy={run.isPending && run.variables === f} onClick={() => run.mutate(f)}>
          {f.toUpperCase()}
        </Button>
      ))}
    </div>
  );
}
