import { useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { DownloadLink, Evidence } from '../api/types.ts';
import { formatBytes, formatInstant } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { errorText } from './ui.tsx';

const STATE_TEXT: Record<Evidence['state'], [string, string]> = {
  pending: ['待校验', 'Pending verification'],
  stored: ['✓ 已校验入库', '✓ Stored'],
  rejected: ['✗ 未通过校验', '✗ Rejected'],
  withdrawn: ['已撤回', 'Withdrawn'],
};

/** Starts a download from a presigned link (it names the file by Content-Disposition). */
function open(url: string) {
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.rel = 'noopener';
  anchor.download = '';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

/** An item's evidence files in every state, newest first, with 下载 for stored ones. */
export function EvidenceList({ evidence, timezone }: { evidence: readonly Evidence[]; timezone: string }) {
  const t = useT();
  const lang = useLang();
  if (evidence.length === 0) return <p class="muted">{t('还没有佐证材料', 'No evidence yet')}</p>;
  const sorted = [...evidence].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
  return (
    <ul class="evidence-list">
      {sorted.map((file) => (
        <li key={file.evidenceId} class={`evidence evidence-${file.state}`}>
          <div class="evidence-name">
            <strong>{file.fileName}</strong> <span class="muted">{formatBytes(file.size)}</span>
          </div>
          <div class="item-meta">
            <span class={`evidence-state state-${file.state}`}>{t(...STATE_TEXT[file.state])}</span>
            <span>
              {file.requestedBy.name} ·{' '}
              <time dateTime={file.storedAt ?? file.requestedAt}>
                {formatInstant(file.storedAt ?? file.requestedAt, timezone, lang)}
              </time>
            </span>
          </div>
          {file.rejection && <p class="field-error">{file.rejection.message}</p>}
          {file.description && <p>{file.description}</p>}
          <details>
            <summary>SHA-256</summary>
            <span class="hash">{file.sha256}</span>
          </details>
          {file.state === 'stored' && <DownloadButton evidenceId={file.evidenceId} />}
        </li>
      ))}
    </ul>
  );
}

function DownloadButton({ evidenceId }: { evidenceId: string }) {
  const { api } = useSession();
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <div class="download">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            // A fresh link per press: they expire after five minutes.
            const link = await api.get<DownloadLink>(`/evidence/${seg(evidenceId)}/download`);
            open(link.url);
          } catch (failure) {
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('下载', 'Download')}
      </button>
      {error !== undefined && (
        <span class="field-error" role="alert">
          {' '}
          {errorText(error, t)}
        </span>
      )}
    </div>
  );
}
