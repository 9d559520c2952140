export * from "./errors";
export { DEFAULT_RETRY, decideRetry, type RetryPolicy, type Decision } from "./retry";
export { HeyGenClient, DEFAULT_BASE_URL, DEFAULT_TIMEOUTS, newIdempotencyKey, type ClientOptions, type Timeouts } from "./client";
