/**
 * Names of the metrics a load run reads back, shared by the processor that
 * emits them, the `ensure` conditions and the report reader. Endpoint names
 * come from load/sla.json (`part.name`), and are Artillery request names.
 */
export const requestsCounter = (endpoint: string) => `load.requests.${endpoint}`;
export const failedCounter = (endpoint: string) => `load.failed.${endpoint}`;
/** metrics-by-endpoint's per-request-name histogram (time to first byte, as http.response_time). */
export const latencySummary = (endpoint: string) =>
  `plugins.metrics-by-endpoint.response_time.${endpoint}`;
