import { useT } from '../lib/i18n.tsx';
import type { Route } from '../lib/router.ts';

/** TODO(console): the queue page. */
export default function Page(_props: { route: Route }) {
  const t = useT();
  return <h1>{t('queue', 'queue')}</h1>;
}
