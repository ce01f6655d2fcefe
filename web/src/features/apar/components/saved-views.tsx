import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { Field } from '../../../components/ui/field';
import { FormError } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { useSession } from '../../../lib/auth';
import { useDeleteView, useSaveView, useSavedViews } from '../api/saved-views';
import type { SavedView } from '../types';
import { errorAt } from './field-errors';

type Filters = Record<string, string | number | undefined>;
const clean = (f: Filters) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string | number>;
const UNSAVED = '__unsaved';
const same = (a: Filters, b: Record<string, unknown>) => JSON.stringify(clean(a)) === JSON.stringify(clean(b as Filters));

/**
 * The user's saved views of a list (private to them): pick one to apply its filters, save the
 * current filters under a name, delete the one applied.
 */
export function SavedViews({ list, filters, onApply }: { list: SavedView['list']; filters: Filters; onApply: (f: Record<string, unknown>) => void }) {
  const session = useSession();
  const tid = session.tenant?.id ?? '';
  const views = useSavedViews(tid, list);
  const save = useSaveView(tid, list);
  const del = useDeleteView(tid, list);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const current = views.data?.data.find((v) => same(filters, v.filters));
  const unsaved = !current && Object.keys(clean(filters)).length > 0;
  return (
    <div className="apar-views" data-testid="saved-views">
      <label className="filter">
        <span>View</span>
        <select
          aria-label="Saved view"
          value={current?.id ?? (unsaved ? UNSAVED : '')}
          onChange={(e) => {
            const v = views.data?.data.find((x) => x.id === e.target.value);
            onApply(v ? v.filters : {});
          }}
        >
          <option value="">{views.isError ? 'All (views unavailable)' : 'All'}</option>
          {unsaved && (
            <option value={UNSAVED} disabled>
              Unsaved filters
            </option>
          )}
          {views.data?.data.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      {current ? (
        <Button size="sm" variant="ghost" busy={del.isPending} onClick={() => del.mutate(current.id, { onError: (e) => toast(e.message, 'error') })}>
          Delete view
        </Button>
      ) : (
        <Button size="sm" disabled={!Object.keys(clean(filters)).length} onClick={() => setNaming(true)}>
          Save view…
        </Button>
      )}
      <Dialog
        open={naming}
        title="Save view"
        onClose={() => setNaming(false)}
        onSubmit={() =>
          save.mutate(
            { list, name: name.trim(), filters: clean(filters) },
            {
              onSuccess: () => {
                setNaming(false);
                setName('');
              },
            },
          )
        }
        footer={
          <>
            <Button variant="ghost" onClick={() => setNaming(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" busy={save.isPending}>
              Save
            </Button>
          </>
        }
      >
        <Field label="Name" name="name" autoFocus value={name} onChange={(e) => setName(e.target.value)} error={errorAt(save.error, 'name')} hint="Only you see your views." />
        <FormError error={save.error} shownFields={['name']} />
      </Dialog>
    </div>
  );
}
