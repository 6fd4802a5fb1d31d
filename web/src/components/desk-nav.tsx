import { useT } from '../lib/i18n.tsx';
import { href } from '../lib/router.ts';
import { hasRole, useSession } from '../lib/session.ts';

/*
 * Apart from the desks' other pieces (admin-common.tsx): 我的事项 shows these links on each
 * inspection, and the first page a user opens should not load what only the desks use.
 */

export type DeskName = 'board' | 'queue' | 'summaries' | 'outcomes' | 'settings';

/** The inspection's desks, the current one marked, each only for the roles that may open it. */
export function DeskNav({
  inspectionId,
  current,
  label,
}: {
  inspectionId: string;
  current?: DeskName;
  label?: string;
}) {
  const t = useT();
  const { me } = useSession();
  const desks: [DeskName | 'archives', string, string, boolean][] = [
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
