import type { ComponentChildren, ComponentType } from 'preact';
import { useRef } from 'preact/hooks';
import { type Api, ApiError, seg } from '../api/client.ts';
import type { Inspection, Ledger } from '../api/types.ts';
import { type Lang, useT } from '../lib/i18n.tsx';
import type { Route } from '../lib/router.ts';
import { hasRole, useSession } from '../lib/session.ts';
import { type Loaded, useLoad } from '../lib/use-load.ts';
import { type DeskName, DeskNav } from './desk-nav.tsx';
import { Async, SelectField } from './ui.tsx';

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

type Role = 'admin' | 'leader' | 'department' | 'auditor';

/** A desk's page (the default export of its module): its roles, and its body given the route's inspection. */
export function deskPage(roles: readonly Role[], Body: ComponentType<{ inspectionId: string }>) {
  return ({ route }: { route: Route }) => (
    <RoleGate roles={roles}>
      <Body inspectionId={inspectionOf(route)} />
    </RoleGate>
  );
}

/**
 * A desk's frame: the desks' navigation with this one marked, and the heading, followed by the
 * inspection's title once it is known (no heading: the desk writes its own).
 */
export function Desk({
  inspectionId,
  current,
  title,
  of,
  children,
}: {
  inspectionId: string;
  current: DeskName;
  title?: string;
  of?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <section class={`admin-${current}`}>
      <DeskNav inspectionId={inspectionId} current={current} />
      {title !== undefined && (
        <h1>
          {title}
          {of !== undefined && <span class="muted"> · {of}</span>}
        </h1>
      )}
      {children}
    </section>
  );
}

/**
 * A desk that needs the inspection but not its ledger: its title follows the heading once read,
 * and the body is drawn with it.
 */
export function InspectionDesk({
  inspectionId,
  current,
  title,
  children,
}: {
  inspectionId: string;
  current: DeskName;
  title: string;
  children: (inspection: Inspection) => ComponentChildren;
}) {
  const inspection = useInspection(inspectionId);
  return (
    <Desk
      inspectionId={inspectionId}
      current={current}
      title={title}
      of={inspection.state === 'ready' ? inspection.value.title : undefined}
    >
      <Async loaded={inspection}>{children}</Async>
    </Desk>
  );
}

/** A page only some roles may open: says so instead of calling the API for a 403. */
export function RoleGate({ roles, children }: { roles: readonly Role[]; children: ComponentChildren }) {
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

/** A card of a page, named by its heading (`id` is the heading's). */
export function Card({
  id,
  title,
  kind,
  children,
}: {
  id: string;
  title: string;
  kind?: string;
  children: ComponentChildren;
}) {
  return (
    <section class={kind ? `card ${kind}` : 'card'} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** A desk's form as a card, named by its heading (`id` is the heading's). */
export function FormCard({
  id,
  title,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  onSubmit: (event: Event) => void;
  children: ComponentChildren;
}) {
  return (
    <form class="card admin-form" onSubmit={onSubmit} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </form>
  );
}

/** The language a report is written in: 中文 or English. */
export function LangField({
  value,
  onLang,
  ...field
}: {
  id: string;
  label: string;
  error: string | undefined;
  value: Lang;
  onLang: (lang: Lang) => void;
}) {
  return (
    <SelectField {...field} value={value} onValue={(chosen) => onLang(chosen === 'en' ? 'en' : 'zh-CN')}>
      <option value="zh-CN">中文</option>
      <option value="en">English</option>
    </SelectField>
  );
}

/** A table's column headers; `action`, a last column for the rows' buttons, named for screen readers only. */
export function TableHead({ columns, action }: { columns: readonly string[]; action?: string }) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {action !== undefined && (
          <th scope="col">
            <span class="sr-only">{action}</span>
          </th>
        )}
      </tr>
    </thead>
  );
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
