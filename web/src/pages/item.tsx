import { useT } from '../lib/i18n.tsx';

/** TODO(console): the item page. */
export function ItemPage({ itemId }: { itemId: string }) {
  const t = useT();
  return (
    <h1>
      {t('事项', 'Item')} {itemId}
    </h1>
  );
}
