import { useEffect, useState } from 'preact/hooks';
import { apiFetch } from './api.ts';

/** What `GET /api/site-info` tells about this place. */
export type SiteInfo = {
  site: { id: string; name: string };
  printers: Array<{ id: string; name: string }>;
  scanners?: Array<{ id: string; name: string }>;
};

/**
 * The site this page belongs to, or null while loading or when the server cannot say: the
 * pages then show no site name rather than an error, since nothing depends on it yet.
 */
export function useSiteInfo(): SiteInfo | null {
  const [info, setInfo] = useState<SiteInfo | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    apiFetch<SiteInfo>('/api/site-info', { signal: controller.signal })
      .then((answer) => {
        if (answer && typeof answer.site?.name === 'string') setInfo(answer);
      })
      .catch(() => {
        // Deliberately quiet; see above.
      });
    return () => controller.abort();
  }, []);
  return info;
}
