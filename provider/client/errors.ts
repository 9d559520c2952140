// One error hierarchy for everything the HeyGen API (or the network on the way) can answer, in the
// manner of openai-node: one class per kind, each carrying status, code, message, param and request id.
// No error ever holds the API key, the request headers or the request body.
import type { ErrorBody } from "../../api/schema";

export class HeyGenError extends Error {
    /** HTTP status, or undefined when no response arrived. */
    readonly status?: number;
    /** HeyGen's error code (`invalid_parameter`, `download_failed`, …) when the body had one. */
    readonly code?: string;
    /** The request field a validation error is about. */
    readonly param?: string;
    /** `X-Request-Id` of the failed response: quote it to HeyGen support. */
    readonly requestId?: string;
    readonly docUrl?: string;
    /** What was being done, e.g. `POST /v3/avatars`. */
    readonly operation?: string;
    /** How many times the request was sent, when it was sent more than once (retries). */
    readonly attempts?: number;

    constructor(message: string, fields: { status?: number; code?: string; param?: string; requestId?: string; docUrl?: string; operation?: string } = {}) {
        super(message);
        this.name = new.target.name;
        Object.assign(this, fields);
    }

    /** One line for people: what failed, HeyGen's message, the param, the request id. */
    describe(): string {
        const parts = [`${this.operation ? `${this.operation}: ` : ""}${this.message}`];
        if (this.status !== undefined) parts.push(`HTTP ${this.status}${this.code ? ` ${this.code}` : ""}`);
        if (this.param) parts.push(`param: ${this.param}`);
        if (this.requestId) parts.push(`request id: ${this.requestId}`);
        if (this.attempts) parts.push(`${this.attempts} attempts`);
        return parts.join(" — ");
    }
}

export class BadRequestError extends HeyGenError {}
export class AuthenticationError extends HeyGenError {}
export class InsufficientCreditError extends HeyGenError {}
export class PermissionDeniedError extends HeyGenError {}
export class NotFoundError extends HeyGenError {}
export class ConflictError extends HeyGenError {
    /** `409 request_in_progress`: the first request with this Idempotency-Key still runs; its answer will come. */
    get inProgress(): boolean {
        return this.code === "request_in_progress";
    }
}
/** 408: the server gave up waiting for our request; with an Idempotency-Key, asking again is safe. */
export class RequestTimeoutError extends HeyGenError {}
export class PayloadTooLargeError extends HeyGenError {}
export class RateLimitError extends HeyGenError {
    /** Milliseconds the server asked us to wait (Retry-After), if it said. */
    readonly retryAfterMs?: number;
    constructor(message: string, fields: ConstructorParameters<typeof HeyGenError>[1] & { retryAfterMs?: number }) {
        super(message, fields);
        this.retryAfterMs = fields.retryAfterMs;
    }
}
export class ServerError extends HeyGenError {}
/** No response: connection refused or reset, DNS, TLS. */
export class ConnectionError extends HeyGenError {}
export class TimeoutError extends ConnectionError {}

const BY_STATUS: [number, typeof HeyGenError][] = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [402, InsufficientCreditError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [408, RequestTimeoutError],
    [409, ConflictError],
    [413, PayloadTooLargeError],
    [422, BadRequestError],
];

/** The error for a non-2xx response. Bodies that are not HeyGen's envelope (a gateway's HTML) still classify by status. */
export function errorFromResponse(
    status: number,
    body: unknown,
    headers: { requestId?: string; retryAfter?: string | null },
    operation: string,
    now = Date.now(),
): HeyGenError {
    const envelope = (body && typeof body === "object" && "error" in body ? (body as { error: unknown }).error : undefined) as Partial<ErrorBody> | undefined;
    const hasEnvelope = !!envelope && typeof envelope === "object" && typeof envelope.message === "string";
    const message = hasEnvelope ? envelope!.message! : `HeyGen answered HTTP ${status}${typeof body === "string" && body.trim() ? ` with a non-JSON body` : ""}`;
    const fields = {
        status,
        code: hasEnvelope ? envelope!.code : undefined,
        param: hasEnvelope ? envelope!.param : undefined,
        docUrl: hasEnvelope ? envelope!.doc_url : undefined,
        requestId: headers.requestId,
        operation,
    };
    if (status === 429) return new RateLimitError(message, { ...fields, retryAfterMs: parseRetryAfter(headers.retryAfter, now) });
    if (status >= 500) return new ServerError(message, fields);
    const Cls = BY_STATUS.find(([s]) => s === status)?.[1] ?? HeyGenError;
    return new Cls(message, fields);
}

/** `Retry-After` as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
    if (value === null || value === undefined || value.trim() === "") return undefined;
    const v = value.trim();
    if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
