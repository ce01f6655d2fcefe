import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorState, FormError } from '../../../components/ui/states';
import { useTusUpload, useUpload } from '../api/uploads';
import { ProgressBar } from './progress-bar';

const MB = 1024 * 1024;

/**
 * Step 1: choose a CSV or XLSX file and send it (tus, resumable). Pausing and starting again, or
 * choosing the same file after a reload, continues from the last byte the server stored. Then the
 * gateway scans and parses it; `onReady` gets the upload id once it is parsed.
 */
export function UploadStep({ tenantId, onReady }: { tenantId: string; onReady: (uploadId: number) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const tus = useTusUpload(tenantId);
  const upload = useUpload(tenantId, tus.uploadId);
  const status = upload.data?.status;
  useEffect(() => {
    if (tus.uploadId && status === 'parsed') onReady(tus.uploadId);
  }, [tus.uploadId, status, onReady]);
  const sending = tus.state === 'sending';
  return (
    <section className="panel panel-pad" data-testid="upload-step">
      <h2>1. Upload the employee file</h2>
      <div className="drop">
        <input
          type="file"
          name="file"
          aria-label="Employee file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={sending}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <p className="muted small">CSV or XLSX, up to 250 MB. A broken connection resumes where it stopped.</p>
      </div>
      {file && (
        <div className="toolbar">
          <span>
            {file.name} · {(file.size / MB).toFixed(file.size < MB ? 2 : 1)} MB
          </span>
          {sending ? (
            <Button onClick={tus.pause}>Pause</Button>
          ) : (
            tus.state !== 'done' && (
              <Button variant="primary" onClick={() => void tus.start(file)}>
                {tus.state === 'paused' || tus.state === 'error' ? 'Resume upload' : 'Upload'}
              </Button>
            )
          )}
        </div>
      )}
      {tus.progress && <ProgressBar value={tus.progress.sent} total={tus.progress.total} label={tus.state === 'done' ? 'Uploaded' : 'Uploading'} />}
      {tus.resumed && <p className="muted small">Resumed an earlier upload of this file.</p>}
      {tus.state === 'error' && <FormError error={tus.error} />}
      {tus.state === 'done' && !tus.uploadId && <p className="form-error">The gateway did not name the upload (no Upload-Id header).</p>}
      {upload.isError && <ErrorState error={upload.error} onRetry={() => void upload.refetch()} />}
      {status && status !== 'parsed' && (
        <p data-testid="upload-status">
          {status === 'invalid' || status === 'quarantined' ? (
            <span className="form-error">
              The file was {status}: {upload.data?.statusReason}
            </span>
          ) : (
            <span className="muted">Checking and reading the file ({status})…</span>
          )}
        </p>
      )}
    </section>
  );
}
