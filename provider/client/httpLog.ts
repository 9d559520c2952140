// One line per HTTP call for the debug switch (HEYGEN_DEBUG=http, see config.ts). Pure, so what it can
// and cannot print is a table test. It gets only what it may print: no headers, no bodies (they can hold
// base64 bytes or consent URLs); the path loses its query (presigned URLs carry signatures there), and
// the key is blanked wherever it shows up, however it got there.

export interface HttpCall {
    method: string;
    /** The path, or the full URL for a request outside the API (a presigned upload URL). */
    url: string;
    /** The HTTP status; undefined when no response came (then `error` says why). */
    status?: number;
    /** HeyGen's request id (X-Request-Id, or `request_id` in an error body). */
    requestId?: string;
    durationMs: number;
    /** 1 for the first try, 2 for the first retry, … */
    attempt: number;
    /** A network error's code (ECONNRESET, ETIMEDOUT), when there was no response. */
    error?: string;
}

/** Only what an id looks like: anything else (a URL, a sentence) is not printed. */
const ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/** The path without query or fragment; a full URL keeps its origin. */
export function safePath(url: string): string {
    const bare = url.replace(/[?#].*$/s, "");
    const m = /^([a-z][a-z0-9+.\-]*:\/\/)([^/]*)(.*)$/i.exec(bare);
    if (!m) return bare || "/";
    // user:password@host: only the host.
    return `${m[1]}${m[2].replace(/^.*@/, "")}${m[3]}`;
}

/** `heygen http: GET /v3/avatars/looks/l1 → 200, 42 ms, request id r-1` (and `attempt 2` on a retry). */
export function formatHttpCall(c: HttpCall, secrets: readonly (string | undefined)[] = []): string {
    const outcome = c.status !== undefined ? String(c.status) : ID.test(c.error ?? "") ? c.error! : "no response";
    const parts = [`${outcome}`, `${Math.round(c.durationMs)} ms`];
    if (c.requestId && ID.test(c.requestId)) parts.push(`request id ${c.requestId}`);
    if (c.attempt > 1) parts.push(`attempt ${c.attempt}`);
    const method = /^[A-Z]{1,10}$/.test(c.method) ? c.method : "?";
    let line = `heygen http: ${method} ${safePath(c.url)} → ${parts.join(", ")}`;
    for (const s of secrets) if (s && s.length >= 4) line = line.split(s).join("***");
    // The key URL-encoded in a path is blanked too.
    for (const s of secrets) if (s && s.length >= 4 && encodeURIComponent(s) !== s) line = line.split(encodeURIComponent(s)).join("***");
    return line;
}

/** `request_id` from an error body, when it is a JSON object that has one (nothing else is read). */
export function requestIdFromBody(body: unknown): string | undefined {
    if (!body || typeof body !== "object") return undefined;
    const b = body as { request_id?: unknown; error?: { request_id?: unknown } };
    const v = b.request_id ?? b.error?.request_id;
    return typeof v === "string" && ID.test(v) ? v : undefined;
}
