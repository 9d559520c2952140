// The one retry policy. Pure, so it is tested as a table:
// - 429: any method, waiting what Retry-After says (capped), else backoff;
// - 5xx and network errors: only idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS, PATCH of a name),
//   and POSTs that carry an Idempotency-Key (the server replays instead of creating twice);
// - 409 request_in_progress and 408 on a keyed request: the first request with that key still runs (a
//   create slower than our timeout), so ask again until its answer is replayed, on a budget of its own;
// - nothing else (4xx are answers, not accidents).
import { ConflictError, ConnectionError, HeyGenError, RateLimitError, RequestTimeoutError, ServerError } from "./errors";

export interface RetryPolicy {
    /** Retries after the first attempt. */
    maxRetries: number;
    baseDelayMs: number;
    maxDelayMs: number;
    /** The most we wait for a Retry-After; a longer ask fails now rather than hang `up`. */
    maxRetryAfterMs: number;
    /** How long to keep asking while a keyed request is still in progress (409/408); separate from maxRetries. */
    maxInProgressWaitMs: number;
    /** The longest pause between two such asks. */
    maxInProgressDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
    maxRetries: 4, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000, maxInProgressWaitMs: 15 * 60_000, maxInProgressDelayMs: 5_000,
};

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]);

export interface Attempt {
    method: string;
    /** 0 for the first retry decision (after the first attempt failed). */
    retriesSoFar: number;
    hasIdempotencyKey: boolean;
    error: HeyGenError;
    /** Asks so far that got "still in progress" (409 request_in_progress, 408), and the time waited on them. */
    inProgressSoFar?: number;
    inProgressWaitedMs?: number;
    /**
     * The caller looks in HeyGen before sending a create again (servers may ignore Idempotency-Key), so a
     * 5xx or network error, which may have been applied, goes back to it instead of being resent here.
     */
    lookBeforeResend?: boolean;
}

/** Whether the answer says the first request with this key still runs (its answer will be replayed). */
export function isInProgress(e: HeyGenError): boolean {
    return (e instanceof ConflictError && e.inProgress) || e instanceof RequestTimeoutError;
}

export type Decision = { retry: false; reason: string } | { retry: true; delayMs: number; reason: string };

/** `random` is injectable so the table tests are exact; jitter spreads retries by ±25%. */
export function decideRetry(a: Attempt, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): Decision {
    if (isInProgress(a.error)) {
        if (!a.hasIdempotencyKey) return { retry: false, reason: "not retryable without an Idempotency-Key" };
        const waited = a.inProgressWaitedMs ?? 0;
        if (waited >= policy.maxInProgressWaitMs) return { retry: false, reason: `still in progress after ${Math.round(waited / 1000)} s` };
        const delay = Math.min(policy.maxInProgressDelayMs, policy.baseDelayMs * 2 ** (a.inProgressSoFar ?? 0), policy.maxInProgressWaitMs - waited);
        return { retry: true, delayMs: delay, reason: "the first request with this Idempotency-Key is still in progress" };
    }
    if (a.retriesSoFar >= policy.maxRetries) return { retry: false, reason: `gave up after ${a.retriesSoFar} retries` };
    const backoff = () => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** a.retriesSoFar) * (0.75 + random() * 0.5);
    const e = a.error;
    if (e instanceof RateLimitError) {
        if (e.retryAfterMs !== undefined) {
            if (e.retryAfterMs > policy.maxRetryAfterMs) return { retry: false, reason: `Retry-After of ${Math.ceil(e.retryAfterMs / 1000)} s is too long` };
            return { retry: true, delayMs: Math.max(e.retryAfterMs, 0), reason: "rate limited; waiting Retry-After" };
        }
        return { retry: true, delayMs: backoff(), reason: "rate limited" };
    }
    if (e instanceof ServerError || e instanceof ConnectionError) {
        const safe = IDEMPOTENT.has(a.method.toUpperCase()) || (a.method.toUpperCase() === "POST" && a.hasIdempotencyKey);
        if (!safe) return { retry: false, reason: `${a.method} without an Idempotency-Key is not retried` };
        if (a.lookBeforeResend) return { retry: false, reason: "it may have been applied: look in HeyGen before sending it again" };
        return { retry: true, delayMs: backoff(), reason: e instanceof ServerError ? `server error ${e.status}` : "network error" };
    }
    return { retry: false, reason: "not retryable" };
}
