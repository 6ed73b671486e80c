import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per app instance (no global default registry, so tests can build many
 * apps in one process). Domains add their own metrics to `registry`.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'druckpunkt_' });
  const httpRequests = new Counter({
    name: 'druckpunkt_http_requests_total',
    help: 'HTTP and IPP requests answered, by route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'druckpunkt_http_request_duration_seconds',
    help: 'Time to answer a request, by route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;
