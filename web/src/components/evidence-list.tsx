import { type Api, seg } from '../api/client.ts';
import type { DownloadLink, Evidence, WithdrawRequest } from '../api/types.ts';
import { useDraft } from '../lib/drafts.ts';
import { formatBytes, formatInstant } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { useSubmit } from '../lib/use-submit.ts';
import { errorText, TextareaField } from './ui.tsx';

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

/** Downloads a stored evidence file: its link is asked for at the press (links expire after five minutes). */
async function downloadEvidence(api: Api, evidenceId: string): Promise<void> {
  const link = await api.get<DownloadLink>(`/evidence/${seg(evidenceId)}/download`);
  open(link.url);
}

/**
 * An item's evidence files in every state, newest first, with 下载 for stored ones and, where the
 * caller may still change the item, 撤回 (withdraw) with a reason.
 */
export function EvidenceList({
  evidence,
  timezone,
  onWithdrawn,
}: {
  evidence: readonly Evidence[];
  timezone: string;
  /** Set when withdrawing is possible (a writer, the item not yet rectified); called after one. */
  onWithdrawn?: (() => void) | undefined;
}) {
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
          {file.state === 'stored' && onWithdrawn && <WithdrawForm file={file} onWithdrawn={onWithdrawn} />}
        </li>
      ))}
    </ul>
  );
}

function DownloadButton({ evidenceId }: { evidenceId: string }) {
  const { api } = useSession();
  const t = useT();
  const downloading = useSubmit();
  return (
    <div class="download">
      <button
        type="button"
        disabled={downloading.busy}
        onClick={() => downloading.run(() => downloadEvidence(api, evidenceId))}
      >
        {t('下载', 'Download')}
      </button>
      {downloading.error !== undefined && (
        <span class="field-error" role="alert">
          {' '}
          {errorText(downloading.error, t)}
        </span>
      )}
    </div>
  );
}

/**
 * 撤回: the file stays in storage and in the history, but no longer counts as evidence. A reason
 * is required; the draft (and its Idempotency-Key) is kept until the server accepts it.
 */
function WithdrawForm({ file, onWithdrawn }: { file: Evidence; onWithdrawn: () => void }) {
  const { api } = useSession();
  const t = useT();
  const draft = useDraft<string>(`withdraw.${file.evidenceId}`, '');
  const withdrawing = useSubmit();
  const fieldError = withdrawing.fields.reason;

  async function withdraw() {
    const body: WithdrawRequest = { reason: draft.value };
    await api.request('POST', `/evidence/${seg(file.evidenceId)}/withdraw`, {
      body,
      idempotencyKey: draft.idempotencyKey,
    });
    draft.clear();
    onWithdrawn();
  }

  return (
    <details class="withdraw">
      <summary>{t('撤回…', 'Withdraw…')}</summary>
      <form onSubmit={withdrawing.form(withdraw)}>
        <TextareaField
          id={`withdraw-${file.evidenceId}`}
          label={t('撤回原因', 'Reason for withdrawing')}
          error={fieldError}
          required
          value={draft.value}
          onValue={draft.set}
        />
        {withdrawing.error !== undefined && !fieldError && (
          <p class="notice error" role="alert">
            {errorText(withdrawing.error, t)}
          </p>
        )}
        <button type="submit" class="danger" disabled={withdrawing.busy}>
          {t('确认撤回', 'Withdraw this file')}
          <span class="sr-only"> {file.fileName}</span>
        </button>
      </form>
    </details>
  );
}
