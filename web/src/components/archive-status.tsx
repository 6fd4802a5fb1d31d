import { useEffect, useRef, useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { Archive, ArchiveList } from '../api/types.ts';
import { formatBytes, formatDate, formatInstant } from '../lib/format.ts';
import { type Translate, useLang, useT } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.ts';
import { follow } from '../lib/use-load.ts';
import { ErrorNotice } from './ui.tsx';

/** How often a queued or building archive is re-read. */
export const POLL_MS = 1500;
/** A link this close to expiry is re-read before it is opened (the download may take a while to start). */
const LINK_MARGIN_MS = 60_000;

export type ArchiveSummary = ArchiveList['archives'][number];

const STATUS_TEXT: Record<Archive['status'], [string, string]> = {
  queued: ['排队中', 'Queued'],
  building: ['生成中', 'Building'],
  ready: ['已生成', 'Ready'],
  failed: ['生成失败', 'Failed'],
};

/** The status as text (and a colour beside it, never alone). */
export function ArchiveState({ status }: { status: Archive['status'] }) {
  const t = useT();
  return <span class={`archive-state archive-${status}`}>{t(...STATUS_TEXT[status])}</span>;
}

export const isWorking = (status: Archive['status']) => status === 'queued' || status === 'building';

/** The filters an archive was asked for, in a line: 方面 1 · 基层卫生科 · 1.1.2、2.1.1 · 日期. */
export function filtersText(filters: Archive['filters'], t: Translate, lang: 'zh-CN' | 'en'): string {
  const parts: string[] = [];
  if (filters.aspect !== undefined) parts.push(t(`第${filters.aspect}方面`, `Aspect ${filters.aspect}`));
  if (filters.department) parts.push(filters.department);
  if (filters.refs?.length)
    parts.push(t(`事项 ${filters.refs.join('、')}`, `Items ${filters.refs.join(', ')}`));
  if (filters.from || filters.to) {
    const from = filters.from ? formatDate(filters.from, lang) : '…';
    const to = filters.to ? formatDate(filters.to, lang) : '…';
    parts.push(t(`佐证日期 ${from} 至 ${to}`, `Evidence dated ${from} to ${to}`));
  }
  return parts.length ? parts.join(' · ') : t('全部事项', 'All items');
}

/**
 * One archive, re-read every POLL_MS while it is queued or building: its state, progress in files
 * and bytes, the failure reason, and once ready its size, hash and the 下载 link.
 */
export function ArchiveStatus({
  archiveId,
  timeZone,
  onStatus,
}: {
  archiveId: string;
  timeZone: string;
  /** Told each time the status changes (the page re-reads its list then). */
  onStatus?: (status: Archive['status']) => void;
}) {
  const { api } = useSession();
  const t = useT();
  const lang = useLang();
  const [archive, setArchive] = useState<Archive>();
  const [error, setError] = useState<unknown>();
  const [opening, setOpening] = useState(false);
  const lastStatus = useRef<Archive['status'] | undefined>(undefined);
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;

  const read = (signal?: AbortSignal) => api.get<Archive>(`/archives/${seg(archiveId)}`, undefined, signal);
  const accept = (next: Archive) => {
    setArchive(next);
    setError(undefined);
    if (next.status !== lastStatus.current) {
      lastStatus.current = next.status;
      onStatusRef.current?.(next.status);
    }
  };

  useEffect(() => {
    const controller = new AbortController();
    setArchive(undefined);
    lastStatus.current = undefined;
    follow(read, {
      settled: (next) => !isWorking(next.status),
      everyMs: POLL_MS,
      signal: controller.signal,
      onProgress: accept,
      onError: (failure) => {
        setError(failure);
        // A blip (offline, a 5xx) should not end the watch: try again, less often.
        return POLL_MS * 4;
      },
    }).then(
      (settled) => settled && accept(settled),
      // Aborted: another archive is watched now, or none.
      () => undefined,
    );
    return () => controller.abort();
  }, [archiveId]);

  /**
   * The link lives 15 minutes: one read a while ago may have expired, so re-read it first when it
   * is close to its end, then go. Content-Disposition: attachment makes the browser save the
   * file and stay on this page.
   */
  const download = async (event: MouseEvent) => {
    if (!archive?.expiresAt || Date.parse(archive.expiresAt) - Date.now() > LINK_MARGIN_MS) return;
    event.preventDefault();
    setOpening(true);
    try {
      const fresh = await read();
      accept(fresh);
      if (fresh.downloadUrl) window.location.assign(fresh.downloadUrl);
    } catch (failure) {
      setError(failure);
    } finally {
      setOpening(false);
    }
  };

  if (!archive)
    return error ? <ErrorNotice error={error} /> : <p class="muted">{t('加载中…', 'Loading…')}</p>;
  const progress = archive.progress;
  return (
    <div class="archive-status">
      <p role="status">
        <span class="hash">{archive.archiveId}</span> <ArchiveState status={archive.status} />
        {archive.attempt > 1 && (
          <span class="muted"> {t(`（第${archive.attempt}次尝试）`, ` (attempt ${archive.attempt})`)}</span>
        )}
      </p>
      <p class="muted">
        {filtersText(archive.filters, t, lang)} · {t('申请人', 'Requested by')} {archive.requestedBy.name} ·{' '}
        {formatInstant(archive.requestedAt, timeZone, lang)}
      </p>
      {isWorking(archive.status) && (
        <div class="field">
          <label for={`progress-${archive.archiveId}`}>{t('生成进度', 'Progress')}</label>
          {progress && progress.bytesTotal > 0 ? (
            <progress
              id={`progress-${archive.archiveId}`}
              max={progress.bytesTotal}
              value={progress.bytesDone}
            />
          ) : (
            // No total yet: an indeterminate bar (still labelled).
            <progress id={`progress-${archive.archiveId}`} />
          )}
          <small class="muted">
            {progress
              ? t(
                  `文件 ${progress.filesDone}/${progress.filesTotal} · ${formatBytes(progress.bytesDone)} / ${formatBytes(progress.bytesTotal)}`,
                  `Files ${progress.filesDone}/${progress.filesTotal} · ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}`,
                )
              : t('等待生成程序开始…', 'Waiting for the builder to start…')}
          </small>
        </div>
      )}
      {archive.status === 'failed' && (
        <p class="notice error" role="alert">
          {t('生成失败：', 'Failed: ')}
          {archive.failure?.reason ?? t('原因未知', 'reason unknown')}
          {archive.failure && ` (${formatInstant(archive.failure.at, timeZone, lang)})`}
          {t('。可以调整条件后重新申请。', '. You can request it again, with other filters if needed.')}
        </p>
      )}
      {archive.status === 'ready' && (
        <>
          <dl class="archive-facts">
            <dt>{t('佐证材料', 'Evidence files')}</dt>
            <dd>{archive.fileCount ?? '—'}</dd>
            <dt>{t('大小', 'Size')}</dt>
            <dd>{archive.sizeBytes === undefined ? '—' : formatBytes(archive.sizeBytes)}</dd>
            <dt>SHA-256</dt>
            <dd class="hash">{archive.sha256 ?? '—'}</dd>
            {archive.archiveExpiresAt && (
              <>
                <dt>{t('保留至', 'Kept until')}</dt>
                <dd>{formatInstant(archive.archiveExpiresAt, timeZone, lang)}</dd>
              </>
            )}
          </dl>
          {archive.warnings.length > 0 && (
            <div class="notice warn">
              <p>
                <strong>{t('生成时的提示', 'Warnings from the build')}</strong>
              </p>
              <ul>
                {archive.warnings.map((warning) => (
                  <li key={warning}>{warning}</li>
                ))}
              </ul>
            </div>
          )}
          {archive.downloadUrl && (
            <p class="actions">
              <a
                class="button primary"
                href={archive.downloadUrl}
                onClick={download}
                aria-disabled={opening ? 'true' : undefined}
                aria-describedby={`link-expiry-${archive.archiveId}`}
              >
                {t('下载', 'Download')}
              </a>
              <small id={`link-expiry-${archive.archiveId}`} class="muted">
                {t(
                  `下载链接有效至 ${formatInstant(archive.expiresAt, timeZone, lang)}，过期后点击会自动换新链接`,
                  `Link valid until ${formatInstant(archive.expiresAt, timeZone, lang)}; after that a click fetches a new one`,
                )}
              </small>
            </p>
          )}
        </>
      )}
      {error !== undefined && <ErrorNotice error={error} />}
    </div>
  );
}
