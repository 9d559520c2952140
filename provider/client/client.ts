// A typed HeyGen v3 client on axios: every endpoint the provider uses, one error hierarchy, one retry
// policy, per-operation timeouts and paging iterators. The API key goes only to the configured origin.
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import * as crypto from "crypto";
import type {
    AssetItem, AvatarGroupItem, AvatarLookItem, ConsentRequest, CreateAvatarRequest, CreateAvatarResponse,
    ConsentResponse, ListGroupsQuery, ListLooksQuery, Page, Single, UploadedAsset, UserInfo,
} from "../../api/schema";
import { ConnectionError, HeyGenError, TimeoutError, errorFromResponse } from "./errors";
import { DEFAULT_RETRY, type RetryPolicy, decideRetry, isInProgress } from "./retry";

export const DEFAULT_BASE_URL = "https://api.heygen.com";

/** Per-operation timeouts, as HeyGen's own CLI sets them. */
export interface Timeouts {
    readMs: number;
    writeMs: number;
    uploadMs: number;
}
export const DEFAULT_TIMEOUTS: Timeouts = { readMs: 30_000, writeMs: 120_000, uploadMs: 600_000 };

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
        const origin = new URL(this.baseUrl).origin;
        this.http = axios.create({
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
    me(): Promise<UserInfo> {
        return this.data({ method: "GET", path: "/v3/users/me", timeout: "readMs" });
    }

    // ---- transport ----
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
                if (res.status >= 200 && res.status < 300) return res;
                error = errorFromResponse(
                    res.status,
                    res.data,
                    { requestId: header(res, "x-request-id"), retryAfter: header(res, "retry-after") },
                    operation,
                );
            } catch (e) {
                error = networkError(e, operation, this.timeouts[spec.timeout]);
            }
            const decision = decideRetry(
                { method: spec.method, retriesSoFar: retries, hasIdempotencyKey: !!spec.idempotencyKey, error, inProgressSoFar: inProgress, inProgressWaitedMs, lookBeforeResend: spec.lookBeforeResend },
                this.retry,
            );
            if (!decision.retry) throw error;
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

function header(res: AxiosResponse, name: string): string | undefined {
    const v = res.headers?.[name];
    return typeof v === "string" ? v : Array.isArray(v) ? v[0] : undefined;
}

/** A failure with no response. Only the code and a plain message survive: axios errors hold our headers. */
function networkError(e: unknown, operation: string, timeoutMs: number): HeyGenError {
    const code = (e as { code?: string }).code;
    if (code === "ECONNABORTED" || code === "ETIMEDOUT" || (e as Error)?.name === "TimeoutError") {
        return new TimeoutError(`no answer within ${Math.round(timeoutMs / 1000)} s`, { operation, code });
    }
    const reason = code ? `${code}` : (e as Error)?.message ?? String(e);
    return new ConnectionError(`could not reach HeyGen (${reason})`, { operation, code });
}
