// A typed HeyGen v3 client on axios: every endpoint the provider uses, one error hierarchy, one retry
// policy, per-operation timeouts and paging iterators. The API key goes only to the configured origin.
import type { AxiosInstance, AxiosResponse, AxiosStatic } from "axios";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type {
    AssetItem, AvatarGroupItem, AvatarLookItem, CompletedUpload, ConsentRequest, CreateAvatarRequest, CreateAvatarResponse,
    ConsentResponse, DirectUpload, DirectUploadRequest, ListGroupsQuery, ListLooksQuery, Page, Single,
    UploadedAsset, UserInfo,
} from "../../api/schema";
import { ConnectionError, HeyGenError, TimeoutError, errorFromResponse } from "./errors";
import { formatHttpCall, requestIdFromBody, type HttpCall } from "./httpLog";
import { DEFAULT_RETRY, type RetryPolicy, decideRetry, isInProgress } from "./retry";

export const DEFAULT_BASE_URL = "https://api.heygen.com";

/** Per-operation timeouts, as HeyGen's own CLI sets them. */
export interface Timeouts {
    readMs: number;
    writeMs: number;
    uploadMs: number;
    /** A direct upload may take as long as it needs, but fails after this long without progress. */
    uploadIdleMs: number;
}
export const DEFAULT_TIMEOUTS: Timeouts = { readMs: 30_000, writeMs: 120_000, uploadMs: 600_000, uploadIdleMs: 60_000 };

/** A local file to send, as `check` saw it. */
export interface LocalFile {
    path: string;
    size: number;
}

export interface ClientOptions {
    apiKey: string;
    baseUrl?: string;
    timeouts?: Partial<Timeouts>;
    retry?: Partial<RetryPolicy>;
    userAgent?: string;
    /** Called before each retry; the provider logs these. */
    onRetry?: (info: { operation: string; attempt: number; delayMs: number; reason: string }) => void;
    /** For tests: how to wait. */
    sleep?: (ms: number) => Promise<void>;
    /** Gets one line per HTTP call (method, path, status, request id, duration, attempt; never the key). */
    debugHttp?: (line: string) => void;
}

interface RequestSpec {
    method: "GET" | "POST" | "PATCH" | "DELETE";
    path: string;
    query?: Record<string, string | number | undefined>;
    body?: unknown;
    idempotencyKey?: string;
    timeout: keyof Timeouts;
    lookBeforeResend?: boolean;
}

/** A fresh Idempotency-Key for one logical create: reused by its retries, never by a later create. */
export function newIdempotencyKey(prefix = "pulumi-heygen"): string {
    return `${prefix}:${crypto.randomUUID()}`;
}

/**
 * axios is loaded with the first client, not with the provider: a preview that finds nothing to do makes
 * no request, and loading axios (with form-data and Node's fetch, which it probes) costs the provider
 * process some 70 ms of CPU before its first answer.
 */
function loadAxios(): AxiosStatic {
    return require("axios");
}

export class HeyGenClient {
    readonly baseUrl: string;
    private readonly http: AxiosInstance;
    private readonly timeouts: Timeouts;
    private readonly retry: RetryPolicy;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly apiKey: string;

    constructor(private readonly opts: ClientOptions) {
        if (!opts.apiKey) throw new HeyGenError("No HeyGen API key: set heygen:apiKey (pulumi config set --secret heygen:apiKey …) or HEYGEN_API_KEY");
        this.apiKey = opts.apiKey;
        this.baseUrl = (opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
        this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
        this.retry = { ...DEFAULT_RETRY, ...opts.retry };
        this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
        let origin: string;
        try {
            origin = new URL(this.baseUrl).origin;
        } catch {
            throw new HeyGenError(`the HeyGen base URL '${this.baseUrl}' is not a URL: set heygen:baseUrl or HEYGEN_API_BASE to the API's address, e.g. ${DEFAULT_BASE_URL}`);
        }
        this.http = loadAxios().create({
            baseURL: this.baseUrl,
            // We read every status ourselves, so axios never throws an error that holds our headers.
            validateStatus: () => true,
            maxRedirects: 5,
            // The key never follows a redirect to another origin.
            beforeRedirect: (options: Record<string, any>) => {
                const target = `${options.protocol}//${options.hostname}${options.port ? `:${options.port}` : ""}`;
                if (new URL(target).origin !== origin && options.headers) {
                    for (const h of Object.keys(options.headers)) {
                        if (/^(x-api-key|authorization)$/i.test(h)) delete options.headers[h];
                    }
                }
            },
            headers: { "User-Agent": opts.userAgent ?? "pulumi-heygen", Accept: "application/json" },
            maxBodyLength: Infinity,
            maxContentLength: 64 * 1024 * 1024,
        });
    }

    // ---- groups and looks ----
    /**
     * Creates a look (and, without avatar_group_id, its group). `replayed` says the server answered from
     * its Idempotency-Key record: the objects named may have been deleted since. With `lookBeforeResend`,
     * a 5xx or network error is not resent here: the caller checks HeyGen first.
     */
    async createAvatar(body: CreateAvatarRequest, idempotencyKey: string, opts: { lookBeforeResend?: boolean } = {}): Promise<CreateAvatarResponse["data"] & { replayed?: boolean }> {
        const res = await this.send<Single<CreateAvatarResponse["data"]>>({ method: "POST", path: "/v3/avatars", body, idempotencyKey, timeout: "writeMs", ...opts });
        return { ...res.data.data, ...(header(res, "idempotent-replayed") === "true" ? { replayed: true } : {}) };
    }
    /** The timeout of one kind of request, in ms. */
    timeoutMs(kind: keyof Timeouts): number {
        return this.timeouts[kind];
    }
    getGroup(groupId: string): Promise<AvatarGroupItem> {
        return this.data({ method: "GET", path: `/v3/avatars/${enc(groupId)}`, timeout: "readMs" });
    }
    deleteGroup(groupId: string): Promise<{ id: string }> {
        return this.data({ method: "DELETE", path: `/v3/avatars/${enc(groupId)}`, timeout: "writeMs" });
    }
    listGroups(query: ListGroupsQuery = {}): Promise<Page<AvatarGroupItem>> {
        return this.page({ method: "GET", path: "/v3/avatars", query: { ...query }, timeout: "readMs" });
    }
    requestConsent(groupId: string, body: ConsentRequest, idempotencyKey: string): Promise<ConsentResponse["data"]> {
        return this.data({ method: "POST", path: `/v3/avatars/${enc(groupId)}/consent`, body, idempotencyKey, timeout: "writeMs" });
    }
    getLook(lookId: string): Promise<AvatarLookItem> {
        return this.data({ method: "GET", path: `/v3/avatars/looks/${enc(lookId)}`, timeout: "readMs" });
    }
    renameLook(lookId: string, name: string): Promise<AvatarLookItem> {
        return this.data({ method: "PATCH", path: `/v3/avatars/looks/${enc(lookId)}`, body: { name }, timeout: "writeMs" });
    }
    deleteLook(lookId: string): Promise<{ id: string }> {
        return this.data({ method: "DELETE", path: `/v3/avatars/looks/${enc(lookId)}`, timeout: "writeMs" });
    }
    listLooks(query: ListLooksQuery = {}): Promise<Page<AvatarLookItem>> {
        return this.page({ method: "GET", path: "/v3/avatars/looks", query: { ...query }, timeout: "readMs" });
    }

    // ---- paging ----
    /** Every group, page by page (50 a page). */
    allGroups(query: Omit<ListGroupsQuery, "token"> = {}): AsyncGenerator<AvatarGroupItem> {
        return this.paginate((token) => this.listGroups({ limit: 50, ...query, token }));
    }
    /** Every look matching the filters, page by page (50 a page). */
    allLooks(query: Omit<ListLooksQuery, "token"> = {}): AsyncGenerator<AvatarLookItem> {
        return this.paginate((token) => this.listLooks({ limit: 50, ...query, token }));
    }
    private async *paginate<T>(fetchPage: (token?: string) => Promise<Page<T>>): AsyncGenerator<T> {
        let token: string | undefined;
        do {
            const p = await fetchPage(token);
            yield* p.data;
            token = p.has_more && p.next_token ? p.next_token : undefined;
        } while (token);
    }

    // ---- assets and identity ----
    uploadAsset(bytes: Buffer, filename: string, idempotencyKey: string): Promise<UploadedAsset> {
        const form = new FormData();
        form.append("file", new Blob([new Uint8Array(bytes)]), filename);
        return this.data({ method: "POST", path: "/v3/assets", body: form, idempotencyKey, timeout: "uploadMs" });
    }
    getAsset(assetId: string): Promise<AssetItem> {
        return this.data({ method: "GET", path: `/v3/assets/${enc(assetId)}`, timeout: "readMs" });
    }
    deleteAsset(assetId: string): Promise<{ id: string }> {
        return this.data({ method: "DELETE", path: `/v3/assets/${enc(assetId)}`, timeout: "writeMs" });
    }
    /** Begins a direct upload: an asset id and a presigned URL for the bytes. */
    createDirectUpload(body: DirectUploadRequest, idempotencyKey: string): Promise<DirectUpload> {
        return this.data({ method: "POST", path: "/v3/assets/direct-uploads", body, idempotencyKey, timeout: "writeMs" });
    }
    /** Finalizes a direct upload; idempotent (the key lets the retry policy repeat it too). */
    completeUpload(assetId: string, checksumSha256: string | undefined, idempotencyKey: string): Promise<CompletedUpload> {
        return this.data({
            method: "POST", path: `/v3/assets/${enc(assetId)}/complete`, body: checksumSha256 ? { checksum_sha256: checksumSha256 } : {},
            idempotencyKey, timeout: "writeMs",
        });
    }

    /**
     * PUTs a local file to a direct upload's presigned URL, streamed from disk (never whole in memory). The
     * bytes are checked by storage against the checksum declared with the upload (the spec: "S3 enforces it
     * on upload"), so they are not hashed again here. The URL is storage, not the API: it gets
     * `upload_headers` and never the key. An
     * interrupted PUT is sent again whole (a presigned PUT cannot resume) to the same URL, so it never
     * makes a second asset; the one retry policy decides when (PUT counts as idempotent).
     */
    async putFile(target: DirectUpload, file: LocalFile, onProgress?: (sent: number) => void): Promise<void> {
        const operation = "PUT upload_url";
        for (let retries = 0; ; retries++) {
            let error: HeyGenError;
            try {
                return await this.putOnce(target, file, operation, onProgress, retries + 1);
            } catch (e) {
                error = e instanceof HeyGenError ? e : networkError(e, operation, this.timeouts.uploadIdleMs, shown(target.upload_url));
            }
            const decision = decideRetry({ method: "PUT", retriesSoFar: retries, hasIdempotencyKey: false, error }, this.retry);
            if (!decision.retry) throw error;
            this.opts.onRetry?.({ operation, attempt: retries + 1, delayMs: decision.delayMs, reason: decision.reason });
            await this.sleep(decision.delayMs);
        }
    }

    private putOnce(target: DirectUpload, file: LocalFile, operation: string, onProgress: ((sent: number) => void) | undefined, attempt: number): Promise<void> {
        return new Promise((resolve, reject) => {
            const url = new URL(target.upload_url);
            const started = Date.now();
            let settled = false;
            let status: number | undefined;
            let requestId: string | undefined;
            const done = (f: () => void, error?: unknown) => {
                if (!settled) {
                    settled = true;
                    this.logHttp({ method: "PUT", url: target.upload_url, status, requestId, durationMs: Date.now() - started, attempt, error: (error as { code?: string } | undefined)?.code });
                    f();
                }
            };
            const req = (url.protocol === "https:" ? https : http).request(url, {
                method: "PUT",
                headers: { ...target.upload_headers, "Content-Length": String(file.size), "User-Agent": this.opts.userAgent ?? "pulumi-heygen" },
            });
            const src = fs.createReadStream(file.path, { highWaterMark: 1024 * 1024 });
            let sent = 0;
            src.on("data", (chunk) => {
                sent += chunk.length;
                onProgress?.(sent);
            });
            src.on("error", (e) => {
                req.destroy();
                done(() => reject(new HeyGenError(`could not read ${file.path}: ${e.message}`, { operation })));
            });
            req.setTimeout(this.timeouts.uploadIdleMs, () => {
                const e = Object.assign(new Error("idle"), { code: "ETIMEDOUT" });
                req.destroy(e);
            });
            req.on("error", (e) => {
                src.destroy();
                done(() => reject(networkError(e, operation, this.timeouts.uploadIdleMs, shown(target.upload_url))), e);
            });
            req.on("response", (res) => {
                // An early answer (a refusal) ends the sending too.
                if (sent < file.size) {
                    src.unpipe(req);
                    src.destroy();
                }
                let body = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => (body = (body + d).slice(0, 64 * 1024)));
                res.on("error", (e) => done(() => reject(networkError(e, operation, this.timeouts.uploadIdleMs, shown(target.upload_url))), e));
                status = res.statusCode ?? 0;
                requestId = [res.headers["x-request-id"], res.headers["x-amz-request-id"]].find((v) => typeof v === "string") as string | undefined;
                res.on("end", () => {
                    src.destroy();
                    const status = res.statusCode ?? 0;
                    if (status >= 200 && status < 300) {
                        if (sent !== file.size) return done(() => reject(new HeyGenError(`${file.path} has ${sent} bytes, not ${file.size}`, { operation })));
                        return done(() => resolve());
                    }
                    done(() => reject(errorFromResponse(status, storageErrorBody(body), { requestId, retryAfter: res.headers["retry-after"] as string | undefined }, operation)));
                });
            });
            src.pipe(req);
        });
    }
    me(): Promise<UserInfo> {
        return this.data({ method: "GET", path: "/v3/users/me", timeout: "readMs" });
    }

    // ---- transport ----
    /** The debug switch's line for one call; a failing logger never fails the call. */
    private logHttp(call: HttpCall): void {
        if (!this.opts.debugHttp) return;
        try {
            this.opts.debugHttp(formatHttpCall(call, [this.apiKey]));
        } catch { /* logging is best effort */ }
    }
    private async data<T>(spec: RequestSpec): Promise<T> {
        return ((await this.send<Single<T>>(spec)).data as Single<T>).data;
    }
    private async page<T>(spec: RequestSpec): Promise<Page<T>> {
        return (await this.send<Page<T>>(spec)).data;
    }

    private async send<T>(spec: RequestSpec): Promise<AxiosResponse<T>> {
        const operation = `${spec.method} ${spec.path}`;
        // Ordinary retries and "still in progress" asks are counted apart (retry.ts).
        let retries = 0;
        let inProgress = 0;
        let inProgressWaitedMs = 0;
        for (;;) {
            let error: HeyGenError;
            const started = Date.now();
            const attempt = retries + inProgress + 1;
            try {
                const res = await this.http.request<T>({
                    method: spec.method,
                    url: spec.path,
                    params: spec.query && Object.fromEntries(Object.entries(spec.query).filter(([, v]) => v !== undefined)),
                    data: spec.body,
                    timeout: this.timeouts[spec.timeout],
                    headers: {
                        "X-Api-Key": this.apiKey,
                        ...(spec.idempotencyKey ? { "Idempotency-Key": spec.idempotencyKey } : {}),
                    },
                });
                this.logHttp({
                    method: spec.method, url: spec.path, status: res.status, durationMs: Date.now() - started, attempt,
                    requestId: header(res, "x-request-id") ?? (res.status >= 400 ? requestIdFromBody(res.data) : undefined),
                });
                if (res.status >= 200 && res.status < 300) return res;
                error = errorFromResponse(
                    res.status,
                    res.data,
                    { requestId: header(res, "x-request-id"), retryAfter: header(res, "retry-after") },
                    operation,
                );
            } catch (e) {
                error = networkError(e, operation, this.timeouts[spec.timeout], this.baseUrl);
                this.logHttp({ method: spec.method, url: spec.path, durationMs: Date.now() - started, attempt, error: error.code ?? "no response" });
            }
            const decision = decideRetry(
                { method: spec.method, retriesSoFar: retries, hasIdempotencyKey: !!spec.idempotencyKey, error, inProgressSoFar: inProgress, inProgressWaitedMs, lookBeforeResend: spec.lookBeforeResend },
                this.retry,
            );
            if (!decision.retry) throw retries + inProgress > 0 ? Object.assign(error, { attempts: retries + inProgress + 1 }) : error;
            if (isInProgress(error)) {
                inProgress++;
                inProgressWaitedMs += decision.delayMs;
            } else retries++;
            this.opts.onRetry?.({ operation, attempt: retries + inProgress, delayMs: decision.delayMs, reason: decision.reason });
            await this.sleep(decision.delayMs);
        }
    }
}

const enc = encodeURIComponent;

/** Storage answers as S3 does (XML `<Code>`, `<Message>`); made HeyGen's envelope so errors read the same. */
export function storageErrorBody(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch { /* not JSON */ }
    const tag = (t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(text)?.[1];
    const code = tag("Code");
    const message = tag("Message");
    return code ? { error: { code, message: message ? `${message} (storage: ${code})` : `storage refused the upload: ${code}` } } : text;
}

function header(res: AxiosResponse, name: string): string | undefined {
    const v = res.headers?.[name];
    return typeof v === "string" ? v : Array.isArray(v) ? v[0] : undefined;
}

/** A failure with no response. Only the code and a plain message survive: axios errors hold our headers. */
function networkError(e: unknown, operation: string, timeoutMs: number, where: string): HeyGenError {
    const code = (e as { code?: string }).code;
    if (code === "ECONNABORTED" || code === "ETIMEDOUT" || (e as Error)?.name === "TimeoutError") {
        return new TimeoutError(`no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`, { operation, code });
    }
    const reason = code ? `${code}` : (e as Error)?.message ?? String(e);
    return new ConnectionError(`could not reach ${where} (${reason})`, { operation, code });
}

/** A URL as messages show it: without its query (a presigned URL's signature). */
function shown(url: string): string {
    try {
        const u = new URL(url);
        return `${u.origin}${u.pathname}`;
    } catch {
        return "the upload URL";
    }
}
