import { useEffect, useState } from 'react';

export const ROUTES = ['assessments', 'packages', 'dashboard', 'settings', 'reviews'] as const;
export type Route = (typeof ROUTES)[number];

/** The hash split into the page and what follows it: #/assessments/<id>/summary → ['assessments', [<id>, 'summary']]. */
function parse(): { route: Route; rest: string[] } {
  const parts = window.location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p));
  const head = parts[0] ?? '';
  return (ROUTES as readonly string[]).includes(head) ? { route: head as Route, rest: parts.slice(1) } : { route: 'assessments', rest: [] };
}

/** Goes to a path inside the app ("assessments/<id>/summary"). */
export function navigate(path: string): void {
  window.location.hash = `/${path.replace(/^\/+/, '')}`;
}

/** The page in the address's hash (#/settings), so a reload stays on the same page; `rest` holds the sub-path. */
export function useRoute(): [Route, (r: Route) => void, string[]] {
  const [loc, setLoc] = useState(parse);
  useEffect(() => {
    const on = () => setLoc(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [loc.route, (r) => navigate(r), loc.rest];
}
