import { useEffect, useMemo, useState } from 'preact/hooks';

/**
 * Hash routes (`#/items/<id>`): the console is one static index.html, so any path works from S3
 * and CloudFront without rewrite rules, and the API's own paths never collide with a page's.
 */
export type Route =
  | { page: 'home' }
  | { page: 'item'; itemId: string }
  | { page: 'inbox' }
  | { page: 'import' }
  | { page: 'board'; inspectionId: string }
  | { page: 'queue'; inspectionId: string }
  | { page: 'summaries'; inspectionId: string }
  | { page: 'settings'; inspectionId: string }
  | { page: 'outcomes'; inspectionId: string }
  | { page: 'archives'; inspectionId?: string }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const [head, id, tail] = parts;
  if (parts.length === 0) return { page: 'home' };
  if (head === 'items' && id && parts.length === 2) return { page: 'item', itemId: id };
  if (head === 'inbox' && parts.length === 1) return { page: 'inbox' };
  if (head === 'import' && parts.length === 1) return { page: 'import' };
  if (head === 'archives' && parts.length <= 2)
    return id ? { page: 'archives', inspectionId: id } : { page: 'archives' };
  if (head === 'inspections' && id && parts.length === 3) {
    if (
      tail === 'board' ||
      tail === 'queue' ||
      tail === 'summaries' ||
      tail === 'settings' ||
      tail === 'outcomes'
    ) {
      return { page: tail, inspectionId: id };
    }
  }
  return { page: 'not-found', path };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The href of a page, each segment encoded. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, '');
}

export function useRoute(): Route {
  // The hash is the state, the route derived from it: setting the same hash again draws nothing.
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => {
      setHash(window.location.hash);
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', onChange);
    // The hash may have moved between the first draw and now (effects run after paint): a
    // hashchange then was heard by no one, so read it once more.
    setHash(window.location.hash);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return useMemo(() => parseRoute(hash), [hash]);
}
