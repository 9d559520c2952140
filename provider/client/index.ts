export * from "./errors";
export { DEFAULT_RETRY, decideRetry, isInProgress, type RetryPolicy, type Decision } from "./retry";
export { HeyGenClient, DEFAULT_BASE_URL, DEFAULT_TIMEOUTS, newIdempotencyKey, type ClientOptions, type Timeouts } from "./client";
