import { useState } from 'preact/hooks';
import { seg } from '../api/client.ts';
import type { ArchiveList, Inspection, Ledger } from '../api/types.ts';
import { Card, TableHead } from '../components/admin-common.tsx';
import { ArchiveKey } from '../components/archive-key.tsx';
import { ArchiveRequestForm } from '../components/archive-request.tsx';
import {
  ArchiveState,
  ArchiveStatus,
  type ArchiveSummary,
  filtersText,
  isWorking,
} from '../components/archive-status.tsx';
import { Async, ErrorNotice } from '../components/ui.tsx';
import { formatBytes, formatDate, formatInstant } from '../lib/format.ts';
import { useLang, useT } from '../lib/i18n.tsx';
import { href, type Route } from '../lib/router.ts';
import { hasRole, useSession } from '../lib/session.ts';
import { useLoad } from '../lib/use-load.ts';

/**
 * 证据包 (the auditor's desk, auditors and admins): pick an inspection, request an archive with
 * filters, watch it being built, download it, and the signing key's fingerprint with how to
 * check it out of band and verify offline. Inspections are read-only here.
 */
export default function Page({ route }: { route: Route }) {
  const { me } = useSession();
  const t = useT();
  const inspectionId = route.page === 'archives' ? route.inspectionId : undefined;
  if (!hasRole(me, 'auditor', 'admin')) {
    return (
      <section>
        <h1>{t('证据包', 'Evidence archives')}</h1>
        <p class="notice error" role="alert">
          {t(
            '证据包仅供审计人员和巡察整改办公室使用。',
            'Archives are for auditors and the inspection office.',
          )}
        </p>
      </section>
    );
  }
  return inspectionId ? <InspectionArchives key={inspectionId} inspectionId={inspectionId} /> : <Chooser />;
}

/** No inspection in the route: choose one (GET /inspections). */
function Chooser() {
  const { api } = useSession();
  const t = useT();
  const lang = useLang();
  const [loaded] = useLoad(
    (signal) => api.get<{ inspections: Inspection[] }>('/inspections', undefined, signal),
    [],
  );
  return (
    <section class="archives">
      <h1>{t('证据包', 'Evidence archives')}</h1>
      <p>
        {t(
          '选择一次巡察，按条件打包其佐证材料、事项历史和整改报告，生成带签名的证据包（只读，不改动台账）。',
          'Choose an inspection to pack its evidence, item histories and summaries into a signed archive (read-only: nothing in the ledger changes).',
        )}
      </p>
      <Async loaded={loaded}>
        {({ inspections }) =>
          inspections.length === 0 ? (
            <p class="muted">{t('还没有巡察台账。', 'No inspections yet.')}</p>
          ) : (
            <ul class="archive-inspections">
              {inspections.map((inspection) => (
                <li key={inspection.inspectionId} class="card">
                  <a href={href('archives', inspection.inspectionId)}>{inspection.title}</a>
                  <p class="muted">
                    {inspection.inspectionGroup} · {t('反馈', 'Feedback')}{' '}
                    {formatDate(inspection.feedbackDate, lang)} ·{' '}
                    {t(`共${inspection.itemCount}项`, `${inspection.itemCount} items`)}
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Async>
      <ArchiveKey />
    </section>
  );
}

function InspectionArchives({ inspectionId }: { inspectionId: string }) {
  const { api } = useSession();
  const t = useT();
  // The ledger gives the choices for the filters (aspects, 科室) and the time zone.
  const [loaded] = useLoad(
    (signal) => api.get<Ledger>(`/inspections/${seg(inspectionId)}/ledger`, undefined, signal),
    [inspectionId],
  );
  return (
    <section class="archives">
      <p>
        <a href={href('archives')}>{t('← 选择其他巡察', '← Choose another inspection')}</a>
      </p>
      <Async loaded={loaded}>{(ledger) => <Desk ledger={ledger} />}</Async>
      <ArchiveKey />
    </section>
  );
}

function Desk({ ledger }: { ledger: Ledger }) {
  const { api } = useSession();
  const t = useT();
  const { inspection } = ledger;
  const id = inspection.inspectionId;
  const [watched, setWatched] = useState<string>();
  const [pages, setPages] = useState<ArchiveSummary[][]>([]);
  const [next, setNext] = useState<string>();
  const [moreError, setMoreError] = useState<unknown>();
  const [list, reloadList] = useLoad(
    async (signal) => {
      const page = await api.get<ArchiveList>(`/inspections/${seg(id)}/archives`, { limit: 20 }, signal);
      setPages([]);
      setNext(page.next);
      // Opening the desk while an archive is still being built: watch it again.
      setWatched(
        (current) => current ?? page.archives.find((archive) => isWorking(archive.status))?.archiveId,
      );
      return page;
    },
    [id],
  );
  const more = async () => {
    if (!next) return;
    try {
      const page = await api.get<ArchiveList>(`/inspections/${seg(id)}/archives`, { limit: 20, next });
      setPages((previous) => [...previous, page.archives]);
      setNext(page.next);
    } catch (failure) {
      setMoreError(failure);
    }
  };
  const departments = ledger.totals.byDepartment.map((row) => row.department);

  return (
    <>
      <h1>
        {t('证据包', 'Evidence archives')}
        <span class="muted"> · {inspection.title}</span>
      </h1>
      <Card id="archive-request-title" title={t('申请证据包', 'Request an archive')}>
        <p class="muted">
          {t(
            '证据包含所选事项的佐证材料、哈希链历史、整改报告和签名清单。条件都留空即为整次巡察。',
            'An archive holds the chosen items’ evidence, their hash-chained histories, the summaries and a signed manifest. Leave every filter empty for the whole inspection.',
          )}
        </p>
        <ArchiveRequestForm
          inspection={inspection}
          departments={departments}
          onAccepted={(archiveId) => {
            setWatched(archiveId);
            reloadList();
          }}
        />
      </Card>
      {watched && (
        <Card id="archive-current-title" title={t('当前证据包', 'This archive')}>
          <ArchiveStatus
            archiveId={watched}
            timeZone={inspection.timezone}
            onStatus={(status) => {
              // The list shows states too: re-read it when this one settles.
              if (!isWorking(status)) reloadList();
            }}
          />
        </Card>
      )}
      <Card id="archive-list-title" title={t('已申请的证据包', 'Archives requested')}>
        <Async loaded={list}>
          {(first) => {
            const archives = [...first.archives, ...pages.flat()];
            return archives.length === 0 ? (
              <p class="muted">{t('还没有申请过证据包。', 'No archive requested yet.')}</p>
            ) : (
              <>
                <ArchiveTable
                  archives={archives}
                  timeZone={inspection.timezone}
                  watched={watched}
                  onOpen={setWatched}
                />
                {next && (
                  <button type="button" onClick={more}>
                    {t('显示更早的证据包', 'Show earlier archives')}
                  </button>
                )}
                {moreError !== undefined && <ErrorNotice error={moreError} />}
              </>
            );
          }}
        </Async>
      </Card>
    </>
  );
}

function ArchiveTable({
  archives,
  timeZone,
  watched,
  onOpen,
}: {
  archives: readonly ArchiveSummary[];
  timeZone: string;
  watched: string | undefined;
  onOpen: (archiveId: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <div class="table-scroll">
      <table class="archive-table">
        <caption class="sr-only">
          {t('已申请的证据包，最新的在前', 'Archives requested, newest first')}
        </caption>
        <TableHead
          columns={[
            t('申请时间', 'Requested'),
            t('条件', 'Filters'),
            t('状态', 'Status'),
            t('佐证材料', 'Evidence'),
          ]}
          action={t('操作', 'Actions')}
        />
        <tbody>
          {archives.map((archive) => (
            <tr key={archive.archiveId} aria-current={archive.archiveId === watched ? 'true' : undefined}>
              <td>
                {formatInstant(archive.requestedAt, timeZone, lang)}
                <br />
                <span class="muted">{archive.requestedBy.name}</span>
              </td>
              <td>{filtersText(archive.filters, t, lang)}</td>
              <td>
                <ArchiveState status={archive.status} />
              </td>
              <td>
                {archive.status === 'ready'
                  ? `${archive.fileCount ?? 0} · ${formatBytes(archive.sizeBytes ?? 0)}`
                  : archive.progress
                    ? `${archive.progress.filesDone}/${archive.progress.filesTotal}`
                    : '—'}
              </td>
              <td>
                {archive.archiveId === watched ? (
                  <span class="muted">{t('正在查看', 'Shown above')}</span>
                ) : (
                  <button
                    type="button"
                    class="link"
                    onClick={() => {
                      onOpen(archive.archiveId);
                      // After the render that shows it.
                      requestAnimationFrame(() =>
                        document.getElementById('archive-current-title')?.scrollIntoView(),
                      );
                    }}
                  >
                    {t('查看', 'Open')}
                    <span class="sr-only"> {formatInstant(archive.requestedAt, timeZone, lang)}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
