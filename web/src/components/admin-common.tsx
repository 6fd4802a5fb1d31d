import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { type Api, ApiError, seg } from '../api/client.ts';
import type { Inspection, Ledger } from '../api/types.ts';
import { useT } from '../lib/i18n.tsx';
import { href, type Route } from '../lib/router.ts';
import { hasRole, useSession } from '../lib/session.ts';
import { type Loaded, useLoad } from '../lib/use-load.ts';

/** The whole ledger of one inspection (one call: the board, the queue and settings read it). */
export function useLedger(inspectionId: string): [Loaded<Ledger>, () => void] {
  const { api } = useSession();
  return useLoad(
    (signal) => api.get<Ledger>(`/inspections/${seg(inspectionId)}/ledger`, undefined, signal),
    [inspectionId],
  );
}

/**
 * Just the inspection (title, time zone) for desks that do not need its items: the list of
 * inspections is small, the ledger of a big plan is not.
 */
export function useInspection(inspectionId: string): Loaded<Inspection> {
  const { api } = useSession();
  const [loaded] = useLoad(
    async (signal) => {
      const { inspections } = await api.get<{ inspections: Inspection[] }>('/inspections', undefined, signal);
      const found = inspections.find((inspection) => inspection.inspectionId === inspectionId);
      // The same answer the API gives for an inspection the caller may not see.
      if (!found) throw new ApiError(404, 'not_found', 'not found', undefined);
      return found;
    },
    [inspectionId],
  );
  return loaded;
}

type Desk = 'board' | 'queue' | 'summaries' | 'outcomes' | 'settings';

/** The inspection's desks, the current one marked, each only for the roles that may open it. */
export function DeskNav({
  inspectionId,
  current,
  label,
}: {
  inspectionId: string;
  current?: Desk;
  label?: string;
}) {
  const t = useT();
  const { me } = useSession();
  const desks: [Desk | 'archives', string, string, boolean][] = [
    ['board', '整改看板', 'Board', hasRole(me, 'admin', 'leader', 'auditor')],
    ['queue', '待销号', 'Close-out queue', hasRole(me, 'admin')],
    ['summaries', '整改报告', 'Summaries', hasRole(me, 'admin', 'leader', 'auditor')],
    ['outcomes', '整改成效', 'Outcomes', hasRole(me, 'admin', 'leader', 'auditor')],
    ['settings', '设置', 'Settings', hasRole(me, 'admin')],
    ['archives', '证据包', 'Archives', hasRole(me, 'admin', 'auditor')],
  ];
  return (
    <nav class="desks" aria-label={label ?? t('工作台', 'Desks')}>
      {desks
        .filter(([, , , allowed]) => allowed)
        .map(([desk, zh, en]) => (
          <a
            key={desk}
            href={
              desk === 'archives' ? href('archives', inspectionId) : href('inspections', inspectionId, desk)
            }
            aria-current={desk === current ? 'page' : undefined}
          >
            {t(zh, en)}
          </a>
        ))}
    </nav>
  );
}

/** A page only some roles may open: says so instead of calling the API for a 403. */
export function RoleGate({
  roles,
  children,
}: {
  roles: readonly ('admin' | 'leader' | 'department' | 'auditor')[];
  children: ComponentChildren;
}) {
  const t = useT();
  const { me } = useSession();
  if (!hasRole(me, ...roles))
    return (
      <section>
        <h1>{t('无权访问', 'Not available')}</h1>
        <p class="notice">{t('您的角色不能打开此页面。', 'Your role cannot open this page.')}</p>
        <p>
          <a href="#/">{t('返回我的事项', 'Back to my items')}</a>
        </p>
      </section>
    );
  return <>{children}</>;
}

/** The inspection id of a desk route (the router only sends desk routes here). */
export const inspectionOf = (route: Route): string =>
  'inspectionId' in route ? (route.inspectionId ?? '') : '';

/** Saves a blob under a file name through an object URL (blob: is allowed by the CSP). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name a response's Content-Disposition gives (RFC 5987 first), or the fallback. */
export function fileNameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? '';
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // fall through to the plain name
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/.exec(header)?.[1]?.trim() || fallback;
}

/** Downloads a GET of the API as a file (the token travels in a header, so no plain link). */
export async function downloadFromApi(
  api: Api,
  path: string,
  query: Record<string, string | undefined>,
  fallbackName: string,
): Promise<void> {
  const response = await api.fetch('GET', path, { query });
  saveBlob(await response.blob(), fileNameOf(response, fallbackName));
}

/**
 * One Idempotency-Key per distinct request body: a retry of the same body (after a network
 * failure) sends the same key, a changed body gets a new one (the server refuses a key reused
 * for different content).
 */
export function useKeyPerBody(): { keyFor(body: unknown): string; reset(): void } {
  const last = useRef<{ body: string; key: string } | undefined>(undefined);
  return {
    keyFor(body) {
      const text = JSON.stringify(body);
      if (last.current?.body !== text) last.current = { body: text, key: crypto.randomUUID() };
      return last.current.key;
    },
    reset() {
      last.current = undefined;
    },
  };
}

/** Every issue of a 400 (`details.issues`), in the user's language, in the server's order. */
export function issuesOf(error: unknown, zh: boolean): { path: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return (issues as { path?: unknown; message?: unknown; messageZh?: unknown }[]).map((issue) => ({
    path: String(issue.path ?? ''),
    message: String(zh && typeof issue.messageZh === 'string' ? issue.messageZh : (issue.message ?? '')),
  }));
}

/**
 * Opens a presigned storage link (evidence, summary files). The storage answers with
 * Content-Disposition: attachment, so the page stays where it is.
 */
export function openLink(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * A wide table that scrolls sideways on a phone. Focusable and named, so a keyboard user can
 * scroll it too (axe: scrollable-region-focusable).
 */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must take focus to be scrolled by keyboard.
    <section class="table-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
