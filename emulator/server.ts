// The emulator's HTTP server: HeyGen's conventions (X-Request-Id, X-Api-Key, the error envelope) around the
// v3 routes, with fault injection and a request log, the consent page, and the control API.
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import formbody from "@fastify/formbody";
import multipart from "@fastify/multipart";
import * as crypto from "crypto";
import { LIMITS } from "../api/schema";
import { ApiError, STORAGE_PREFIX, registerApi } from "./api";
import { registerConsentPage } from "./consent";
import { type RequestLogEntry, registerControl } from "./control";
import { FaultTable } from "./faults";
import { DEFAULT_TIMING, type Timing } from "./lifecycle";
import { Store } from "./store";
import { type AccountSnapshot, parseSnapshot } from "../api/snapshot";
import * as fs from "fs";

export const DEFAULT_API_KEY = "emulator-key";
export type { RequestLogEntry } from "./control";

export interface EmulatorOptions {
    /** 0 (default) picks a free port. */
    port?: number;
    host?: string;
    /** Keep state here across restarts; in memory when not given. */
    dataDir?: string;
    /**
     * Keys the emulator accepts (X-Api-Key or Authorization: Bearer). Default: ["emulator-key"]. Given one
     * key, it stands in for a real account: every other key gets 401. `PUT /_emulator/api-keys` rotates them.
     */
    apiKeys?: string[];
    timing?: Partial<Timing>;
    /** The API's own processing time for creates, in ms. Default 0. */
    createMs?: number;
    /** Log each request to stderr. */
    verbose?: boolean;
    /**
     * Ignore `Idempotency-Key` entirely, like a server that does not support it (HeyGen's generated
     * OpenAPI spec lists the header only for batch endpoints). Default false.
     */
    ignoreIdempotencyKeys?: boolean;
    /**
     * An account to start with: a snapshot written by `pulumi-heygen export --snapshot` (its file's path, or
     * the parsed object), same ids and names. With a data dir that holds state already, that state is kept.
     */
    seed?: string | AccountSnapshot;
}

/** The snapshot to seed from, read and checked; an error says what is wrong with which file. */
export function loadSeed(seed: string | AccountSnapshot): AccountSnapshot {
    let value: unknown = seed;
    if (typeof seed === "string") {
        try {
            value = JSON.parse(fs.readFileSync(seed, "utf8"));
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            throw new Error(`--seed ${seed}: ${code === "ENOENT" ? "no such file" : code ? `cannot be read (${code})` : `not JSON (${(e as Error).message})`}`);
        }
    }
    const parsed = parseSnapshot(value);
    if ("problem" in parsed) throw new Error(`${typeof seed === "string" ? `--seed ${seed}` : "seed"}: ${parsed.problem}`);
    return parsed.snapshot;
}


export interface Emulator {
    url: string;
    port: number;
    /** The first accepted key (after a rotation, the new one). */
    readonly apiKey: string;
    /** Replaces the accepted keys, as rotating a key in HeyGen's settings does: the old ones get 401 at once. */
    setApiKeys(keys: string[]): void;
    store: Store;
    faults: FaultTable;
    requests: RequestLogEntry[];
    stop(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
    const seed = opts.seed === undefined ? undefined : loadSeed(opts.seed);
    const host = opts.host ?? "127.0.0.1";
    let apiKeys = opts.apiKeys?.length ? [...opts.apiKeys] : [DEFAULT_API_KEY];
    const setApiKeys = (keys: unknown): string[] => {
        if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === "string" && k.length > 0)) {
            throw new ApiError(400, "invalid_parameter", "keys must be a non-empty array of non-empty strings", "keys");
        }
        apiKeys = [...keys];
        return apiKeys;
    };
    let url = "";
    const store = new Store(opts.dataDir, { ...DEFAULT_TIMING, ...opts.timing }, () => url);
    const faults = new FaultTable();
    const requests: RequestLogEntry[] = [];
    let requestSeq = 0;
    const started = { createMs: opts.createMs ?? 0, ignoreIdempotencyKeys: opts.ignoreIdempotencyKeys ?? false, timing: { ...store.timing } };
    const settings = { createMs: started.createMs, ignoreIdempotencyKeys: started.ignoreIdempotencyKeys };

    const app: FastifyInstance = Fastify({
        logger: opts.verbose ? { level: "info" } : false,
        // base64 files of up to 32 MB arrive inside JSON.
        bodyLimit: Math.ceil((LIMITS.assetMaxBytes * 4) / 3) + 64 * 1024,
        genReqId: () => `req_${crypto.randomBytes(12).toString("hex")}`,
        // Validation as HeyGen does it: no coercion of body types, nothing silently removed.
        ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
        forceCloseConnections: true,
    });
    // JSON only (multipart for assets, form posts for the consent page): HeyGen rejects text bodies.
    app.removeContentTypeParser("text/plain");
    // Bodies the spec makes optional: an empty JSON body is `{}`, and so is a POST or PATCH without one.
    const json = app.getDefaultJsonParser("error", "error");
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) =>
        (body as string).trim() === "" ? done(null, {}) : json(req, body as string, done));
    app.addHook("preValidation", async (req) => {
        if (req.body === undefined && (req.method === "POST" || req.method === "PATCH") && isApi(req.url.split("?")[0])) req.body = {};
    });
    await app.register(formbody);
    await app.register(multipart, { limits: { fileSize: LIMITS.assetMaxBytes, files: 1 } });

    const isApi = (path: string) => path.startsWith("/v3/");
    // Presigned upload URLs: faults and the request log cover them; the signature, not a key, admits them.
    const isStorage = (path: string) => path.startsWith(`${STORAGE_PREFIX}/`);
    const logged = (path: string) => isApi(path) || isStorage(path);

    app.addHook("onRequest", async (req, reply) => {
        reply.header("X-Request-Id", req.id);
        const path = req.url.split("?")[0];
        if (!logged(path)) return;
        // Faults first: a gateway in front of the API fails before authentication does.
        for (const f of faults.decide(req.method, path)) {
            if (f.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
            if (f.action === "drop") {
                logRequest(req.method, req.url, 0, req.headers["idempotency-key"], req.id, f.id, null);
                req.raw.socket.destroy();
                return reply.hijack();
            }
            if (f.action === "drop_after") (req as unknown as { dropAfter?: string }).dropAfter = f.id;
            if (f.action === "error") {
                const status = f.status!;
                const code = f.code ?? (status === 429 ? "rate_limit_exceeded" : status === 503 ? "service_unavailable" : "internal_error");
                if (status === 429) reply.header("Retry-After", String(f.retryAfter ?? 1));
                (req as unknown as { fault?: string }).fault = f.id;
                const message = status === 429 ? "Rate limit exceeded; retry after the time in Retry-After" : "The server had an error; please retry";
                return reply.code(status).send(new ApiError(status, code, message).body());
            }
        }
        if (isStorage(path)) return;
        const key = req.headers["x-api-key"] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        if (typeof key !== "string" || !apiKeys.includes(key)) {
            // Byte-identical for a missing and a wrong key.
            return reply.code(401).send(new ApiError(401, "unauthorized", "Invalid or missing API key").body());
        }
    });

    // A fault that cuts the connection after the request was applied: the work is done, the answer lost.
    app.addHook("onSend", async (req, _reply, payload) => {
        const dropAfter = (req as unknown as { dropAfter?: string }).dropAfter;
        if (dropAfter) {
            store.flush();
            logRequest(req.method, req.url, 0, req.headers["idempotency-key"], req.id, dropAfter, null);
            req.raw.socket.destroy();
        }
        return payload;
    });

    app.addHook("onResponse", async (req, reply) => {
        store.flush();
        if ((req as unknown as { dropAfter?: string }).dropAfter) return;
        if (logged(req.url)) {
            logRequest(req.method, req.url, reply.statusCode, req.headers["idempotency-key"], req.id, (req as unknown as { fault?: string }).fault ?? null, Math.round(reply.elapsedTime));
        }
    });

    function logRequest(method: string, rawUrl: string, status: number, key: string | string[] | undefined, requestId: string, fault: string | null, ms: number | null) {
        const [path, rawQuery = ""] = rawUrl.split("?");
        // An upload URL's signature is a credential: not kept in the log.
        const query = rawQuery.replace(/(^|&)signature=[^&]*/, "$1signature=REDACTED");
        requests.push({
            seq: ++requestSeq, at: new Date().toISOString(), method, path, query, status,
            idempotencyKey: (Array.isArray(key) ? key[0] : key) ?? null, requestId, fault, ms,
        });
    }

    app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
        if (err instanceof ApiError) return reply.code(err.status).send(err.body());
        if (err.validation && err.validation.length > 0) {
            const v = err.validation[0] as { instancePath?: string; params?: { missingProperty?: string }; message?: string };
            const where = (v.instancePath ?? "").replace(/^\//, "").replace(/\/(\d+)(?=\/|$)/g, "[$1]").replace(/\//g, ".");
            const param = v.params?.missingProperty ? (where ? `${where}.${v.params.missingProperty}` : v.params.missingProperty) : where || undefined;
            const message = v.params?.missingProperty ? `${param} is required` : `${param ?? err.validationContext} ${v.message}`;
            return reply.code(400).send(new ApiError(400, "invalid_parameter", message, param).body());
        }
        if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE" || err.statusCode === 413) {
            return reply.code(413).send(new ApiError(413, "payload_too_large", "Request body is too large").body());
        }
        if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
            return reply.code(400).send(new ApiError(400, "invalid_parameter", `Unsupported Content-Type '${req.headers["content-type"]}'; send application/json`).body());
        }
        if (err.statusCode === 400 || err.code?.startsWith("FST_ERR_CTP")) {
            return reply.code(400).send(new ApiError(400, "invalid_parameter", `Malformed request body: ${err.message}`).body());
        }
        req.log.error(err);
        return reply.code(500).send(new ApiError(500, "internal_error", "Internal error").body());
    });

    app.setNotFoundHandler((req, reply) =>
        reply.code(404).send(new ApiError(404, "not_found", `No route for ${req.method} ${req.url.split("?")[0]}`).body()));

    registerApi(app, { store, createMs: () => settings.createMs, ignoreIdempotencyKeys: () => settings.ignoreIdempotencyKeys });
    registerConsentPage(app, store);
    registerControl(app, { store, faults, requests, settings, started, setApiKeys });

    store.open(`heygen-emulator on ${host}`);
    if (seed && !store.loaded) store.seed(seed);
    try {
        await app.listen({ port: opts.port ?? 0, host });
    } catch (e) {
        store.close();
        const err = e as NodeJS.ErrnoException;
        if (err.code === "EADDRINUSE") throw new Error(`port ${opts.port} on ${host} is already in use; pick another with --port, or 0 for a free one`);
        throw e;
    }
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : opts.port!;
    url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

    return {
        url, port, store, faults, requests,
        get apiKey() {
            return apiKeys[0];
        },
        setApiKeys(keys: string[]) {
            setApiKeys(keys);
        },
        async stop() {
            await app.close();
            store.close();
        },
    };
}
