import { useEffect, useState } from 'react';

export const ROUTES = ['assessments', 'packages', 'dashboard', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

function current(): Route {
  const h = window.location.hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(h) ? (h as Route) : 'assessments';
}

/** The page in the address's hash (#/settings), so a reload stays on the same page. */
export function useRoute(): [Route, (r: Route) => void] {
  const [route, setRoute] = useState<Route>(current);
  useEffect(() => {
    const on = () => setRoute(current());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [route, (r) => (window.location.hash = `/${r}`)];
}
