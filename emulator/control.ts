// The control API under /_emulator/: reset, dump, consent decisions, changes behind the client's back,
// training transitions, the request log and fault rules. Documented in emulator/README.md.
import type { FastifyInstance } from "fastify";
import { CREATE_TYPES, type CreateType, LOOK_STATUSES, type LookStatus } from "../api/schema";
import { ApiError } from "./api";
import { type FaultRule, type FaultTable, validateRule } from "./faults";
import { isTransition, parseTransition, type Transition } from "./lifecycle";
import type { Store } from "./store";

export interface RequestLogEntry {
    seq: number;
    at: string;
    method: string;
    path: string;
    query: string;
    status: number;
    idempotencyKey: string | null;
    requestId: string;
    /** A fault that answered or cut this request, if any. */
    fault: string | null;
    /** From the request's arrival to the end of the answer (for an upload: all its bytes). */
    ms: number | null;
}

export interface ControlDeps {
    store: Store;
    faults: FaultTable;
    requests: RequestLogEntry[];
    settings: { createMs: number; ignoreIdempotencyKeys: boolean };
    /** The settings and training timing the emulator was started with: reset returns to them. */
    started: { createMs: number; ignoreIdempotencyKeys: boolean; timing: Store["timing"] };
    /** Replaces the accepted API keys (a rotation in HeyGen's settings); answers them. */
    setApiKeys(keys: unknown): string[];
}

const bad = (message: string, param?: string) => new ApiError(400, "invalid_parameter", message, param);

export function registerControl(app: FastifyInstance, { store, faults, requests, settings, started, setApiKeys }: ControlDeps): void {
    const st = () => store.state;
    const body = (req: { body?: unknown }) => (req.body ?? {}) as Record<string, unknown>;

    app.get("/_emulator/health", async () => ({ ok: true }));

    app.post("/_emulator/reset", async () => {
        store.reset();
        faults.clear();
        requests.length = 0;
        settings.ignoreIdempotencyKeys = started.ignoreIdempotencyKeys;
        // A test that slowed creates or training must not slow every later one (it did: the unit tier
        // took 2.5 min instead of 40 s).
        settings.createMs = started.createMs;
        store.timing = { ...started.timing };
        return { ok: true };
    });

    // A server that does not support Idempotency-Key: {"ignoreKeys": true} makes every keyed POST run as new.
    app.get("/_emulator/idempotency", async () => ({ ignoreKeys: settings.ignoreIdempotencyKeys }));
    app.put("/_emulator/idempotency", async (req) => {
        const v = body(req).ignoreKeys;
        if (typeof v !== "boolean") throw bad("ignoreKeys must be true or false", "ignoreKeys");
        settings.ignoreIdempotencyKeys = v;
        return { ignoreKeys: v };
    });

    /** Everything, with the API's views beside the raw records (no read is counted). */
    app.get("/_emulator/state", async () => ({
        groups: Object.values(st().groups).map((g) => ({ ...store.groupView(g, false), public: g.public, consent: g.consent })),
        looks: Object.values(st().looks).map((l) => ({ ...store.lookView(l, false), public: l.public, created_as: l.created_as, source: l.source, reads: l.training.reads })),
        assets: Object.values(st().assets),
        idempotency_keys: Object.keys(st().idempotency).length,
        timing: store.timing,
        create_ms: settings.createMs,
        ignore_idempotency_keys: settings.ignoreIdempotencyKeys,
    }));

    app.post("/_emulator/consent/:group_id", async (req) => {
        const g = st().groups[(req.params as { group_id: string }).group_id];
        if (!g) throw new ApiError(404, "avatar_group_not_found", "No such group");
        const decision = body(req).decision;
        if (decision !== "approve" && decision !== "decline") throw bad("decision must be 'approve' or 'decline'", "decision");
        g.consent.status = decision === "approve" ? "approved" : "rejected";
        store.touch();
        return { data: store.groupView(g, false) };
    });

    // Changes behind the client's back, for drift tests: rename, force a status, delete.
    app.patch("/_emulator/looks/:look_id", async (req) => {
        const l = st().looks[(req.params as { look_id: string }).look_id];
        if (!l) throw new ApiError(404, "not_found", "No such look");
        const b = body(req);
        if (b.name !== undefined) l.name = String(b.name);
        if (b.status !== undefined) {
            if (!LOOK_STATUSES.includes(b.status as LookStatus)) throw bad(`status must be one of ${LOOK_STATUSES.join(", ")}`, "status");
            const error = b.error as { code?: string; message?: string } | undefined;
            l.training = {
                ...l.training, status: b.status as LookStatus, phaseStartedAt: Date.now(), reads: 0,
                outcome: b.status === "failed" ? { ok: false, code: error?.code ?? "training_failed", message: error?.message ?? "Training failed" } : { ok: true },
            };
        }
        store.touch();
        return { data: store.lookView(l, false) };
    });
    app.delete("/_emulator/looks/:look_id", async (req) => {
        const id = (req.params as { look_id: string }).look_id;
        if (!st().looks[id]) throw new ApiError(404, "not_found", "No such look");
        return { group_deleted: store.deleteLook(id) };
    });
    app.patch("/_emulator/avatars/:group_id", async (req) => {
        const g = st().groups[(req.params as { group_id: string }).group_id];
        if (!g) throw new ApiError(404, "avatar_group_not_found", "No such group");
        const b = body(req);
        if (b.name !== undefined) g.name = String(b.name);
        if (b.consent_status !== undefined) g.consent.status = b.consent_status as typeof g.consent.status;
        store.touch();
        return { data: store.groupView(g, false) };
    });
    app.delete("/_emulator/avatars/:group_id", async (req) => {
        const id = (req.params as { group_id: string }).group_id;
        if (!st().groups[id]) throw new ApiError(404, "avatar_group_not_found", "No such group");
        store.deleteGroup(id);
        return { ok: true };
    });

    // Training transitions per type ("instant", "5s", "3r" or {mode,...}) and the create latency.
    app.get("/_emulator/timing", async () => ({ ...store.timing, create_ms: settings.createMs }));
    app.put("/_emulator/timing", async (req) => {
        const b = body(req);
        const next = { ...store.timing };
        for (const [k, v] of Object.entries(b)) {
            if (k === "create_ms") {
                if (!(Number(v) >= 0)) throw bad("create_ms must be a number of milliseconds >= 0", k);
                settings.createMs = Number(v);
                continue;
            }
            if (!CREATE_TYPES.includes(k as CreateType)) throw bad(`unknown type '${k}': use ${CREATE_TYPES.join(", ")} or create_ms`, k);
            let t: Transition;
            try {
                t = typeof v === "string" ? parseTransition(v) : (v as Transition);
            } catch (e) {
                throw bad((e as Error).message, k);
            }
            if (!isTransition(t)) throw bad(`${k} must be 'instant', '<N>s', '<N>r' or {mode, seconds|reads}`, k);
            next[k as CreateType] = t;
        }
        store.timing = next;
        return { ...store.timing, create_ms: settings.createMs };
    });

    app.get("/_emulator/requests", async (req) => {
        const since = Number((req.query as { since?: string }).since ?? 0);
        return { data: requests.filter((r) => r.seq > since) };
    });
    app.delete("/_emulator/requests", async () => {
        requests.length = 0;
        return { ok: true };
    });

    // Key rotation (not part of reset: the keys are the account's, not its state). Answers with how many
    // keys are accepted, never the keys.
    app.put("/_emulator/api-keys", async (req) => ({ accepted: setApiKeys(body(req).keys).length }));

    app.get("/_emulator/faults", async () => ({ data: faults.list() }));
    app.post("/_emulator/faults", async (req) => {
        const rule = body(req) as Partial<FaultRule>;
        const problem = validateRule(rule);
        if (problem) throw bad(problem);
        return { data: faults.add(rule as FaultRule) };
    });
    app.delete("/_emulator/faults", async () => {
        faults.clear();
        return { ok: true };
    });
    app.delete("/_emulator/faults/:id", async (req) => {
        if (!faults.remove((req.params as { id: string }).id)) throw new ApiError(404, "not_found", "No such fault rule");
        return { ok: true };
    });
}
