import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { FormError } from '../../../components/ui/states';
import { toast } from '../../../components/ui/toast';
import { useKillSwitch } from '../api/kill-switch';

const CONFIRM_WORD = 'LEGACY';

/** Sends every route back to legacy. Needs a reason and the word typed out. */
export function KillSwitchDialog({ open, affected, onClose }: { open: boolean; affected: number; onClose: () => void }) {
  const kill = useKillSwitch();
  const [reason, setReason] = useState('');
  const [word, setWord] = useState('');

  useEffect(() => {
    if (open) {
      setReason('');
      setWord('');
      kill.reset();
    }
  }, [open]);

  const ready = word.trim().toUpperCase() === CONFIRM_WORD && reason.trim().length >= 3;
  const submit = () => {
    if (!ready) return;
    kill.mutate(reason.trim(), {
      onSuccess: (r) => {
        toast(r.changed ? `Kill switch: ${r.changed} route${r.changed === 1 ? '' : 's'} back on legacy` : 'Kill switch: every route was already on legacy');
        onClose();
      },
    });
  };

  return (
    <Dialog
      open={open}
      title="Kill switch"
      tone="danger"
      onClose={onClose}
      onSubmit={submit}
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={!ready} busy={kill.isPending}>
            Send all routes to legacy
          </Button>
        </>
      }
    >
      <p className="lead">
        Every route goes back to <strong>legacy</strong> at once, in every gateway process.{' '}
        {affected > 0 ? (
          <>
            <strong>{affected}</strong> route{affected === 1 ? ' is' : 's are'} not on legacy now.
          </>
        ) : (
          'All routes are on legacy already.'
        )}
      </p>
      <div className="field">
        <label htmlFor="kill-reason">Reason</label>
        <textarea id="kill-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. error spike on new modules, incident INC-31" />
      </div>
      <div className="field">
        <label htmlFor="kill-word">
          Type <code>{CONFIRM_WORD}</code> to confirm
        </label>
        <input id="kill-word" autoComplete="off" value={word} onChange={(e) => setWord(e.target.value)} />
      </div>
      <FormError error={kill.error} />
    </Dialog>
  );
}
