// The HeyGen client: its pure error classification and retry policy as tables, then real HTTP against the
// emulator with injected faults, paging across pages, and the key never following a redirect elsewhere.
import { strict as assert } from "assert";
import * as http from "http";
import { type Emulator, startEmulator } from "../../emulator";
import {
    AuthenticationError, BadRequestError, ConflictError, RequestTimeoutError, ConnectionError, DEFAULT_RETRY, HeyGenClient, HeyGenError,
    InsufficientCreditError, NotFoundError, PayloadTooLargeError, PermissionDeniedError, RateLimitError, ServerError,
    TimeoutError, decideRetry, errorFromResponse, newIdempotencyKey, parseRetryAfter,
} from "../../provider/client";
import { http as raw, photoUrl } from "../support/http";

describe("client: error classification (table)", () => {
    const envelope = (code: string, param?: string) => ({ error: { code, message: `m-${code}`, ...(param ? { param } : {}), doc_url: "d" } });
    const cases: [number, unknown, Function, string | undefined][] = [
        [400, envelope("invalid_parameter", "limit"), BadRequestError, "invalid_parameter"],
        [400, envelope("download_failed"), BadRequestError, "download_failed"],
        [401, envelope("unauthorized"), AuthenticationError, "unauthorized"],
        [402, envelope("insufficient_credit"), InsufficientCreditError, "insufficient_credit"],
        [403, envelope("forbidden"), PermissionDeniedError, "forbidden"],
        [404, envelope("avatar_group_not_found"), NotFoundError, "avatar_group_not_found"],
        [409, envelope("request_in_progress"), ConflictError, "request_in_progress"],
        [413, envelope("payload_too_large"), PayloadTooLargeError, "payload_too_large"],
        [429, envelope("rate_limit_exceeded"), RateLimitError, "rate_limit_exceeded"],
        [500, envelope("internal_error"), ServerError, "internal_error"],
        [502, "<html>Bad Gateway</html>", ServerError, undefined],
        [503, "", ServerError, undefined],
        [418, { unexpected: true }, HeyGenError, undefined],
    ];
    for (const [status, body, Cls, code] of cases) {
        it(`${status} ${code ?? "(no envelope)"} → ${Cls.name}`, () => {
            const e = errorFromResponse(status, body, { requestId: "req_1", retryAfter: "2" }, "GET /v3/x", 0);
            assert.ok(e instanceof Cls);
            assert.equal(e.status, status);
            assert.equal(e.code, code);
            assert.equal(e.requestId, "req_1");
            assert.match(e.describe(), new RegExp(`HTTP ${status}`));
            if (code === "invalid_parameter") assert.equal(e.param, "limit");
            if (status === 429) assert.equal((e as RateLimitError).retryAfterMs, 2000);
        });
    }
    it("reads Retry-After as seconds or an HTTP date", () => {
        assert.equal(parseRetryAfter("3", 0), 3000);
        assert.equal(parseRetryAfter("0.5", 0), 500);
        assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
        assert.equal(parseRetryAfter("soon", 0), undefined);
        assert.equal(parseRetryAfter(undefined, 0), undefined);
    });
});

describe("client: retry policy (table)", () => {
    const rate = (ms?: number) => new RateLimitError("r", { status: 429, retryAfterMs: ms });
    const server = new ServerError("s", { status: 503 });
    const net = new ConnectionError("n");
    const bad = new BadRequestError("b", { status: 400 });
    const inProgress = new ConflictError("p", { status: 409, code: "request_in_progress" });
    const conflict = new ConflictError("c", { status: 409, code: "conflict" });
    const requestTimeout = new RequestTimeoutError("t", { status: 408 });
    const half = () => 0.5; // no jitter
    const cases: [string, string, boolean, HeyGenError, number, boolean | number][] = [
        // name, method, idempotency key, error, retries so far, expected (false or delay)
        ["429 on GET waits Retry-After", "GET", false, rate(1500), 0, 1500],
        ["429 on a keyless POST is retried too", "POST", false, rate(1000), 0, 1000],
        ["429 without Retry-After backs off", "GET", false, rate(), 2, DEFAULT_RETRY.baseDelayMs * 4],
        ["429 asking too long fails now", "GET", false, rate(120_000), 0, false],
        ["503 on GET backs off", "GET", false, server, 0, DEFAULT_RETRY.baseDelayMs],
        ["503 on DELETE backs off", "DELETE", false, server, 1, DEFAULT_RETRY.baseDelayMs * 2],
        ["503 on PATCH (a rename) backs off", "PATCH", false, server, 0, DEFAULT_RETRY.baseDelayMs],
        ["503 on POST without a key is not retried", "POST", false, server, 0, false],
        ["503 on POST with a key is retried", "POST", true, server, 0, DEFAULT_RETRY.baseDelayMs],
        ["network error on POST with a key is retried", "POST", true, net, 0, DEFAULT_RETRY.baseDelayMs],
        ["network error on POST without a key is not", "POST", false, net, 0, false],
        ["400 is an answer, not an accident", "GET", false, bad, 0, false],
        ["gives up after maxRetries", "GET", false, server, DEFAULT_RETRY.maxRetries, false],
        ["backoff is capped", "GET", false, server, 3, Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 8)],
        ["409 request_in_progress on a keyed POST asks again", "POST", true, inProgress, 0, DEFAULT_RETRY.baseDelayMs],
        ["409 request_in_progress asks again even when ordinary retries are spent", "POST", true, inProgress, DEFAULT_RETRY.maxRetries, DEFAULT_RETRY.baseDelayMs],
        ["408 on a keyed POST asks again", "POST", true, requestTimeout, 0, DEFAULT_RETRY.baseDelayMs],
        ["409 request_in_progress without a key is an answer", "POST", false, inProgress, 0, false],
        ["408 without a key is an answer", "POST", false, requestTimeout, 0, false],
        ["409 conflict (not in progress) is an answer", "POST", true, conflict, 0, false],
    ];
    for (const [name, method, key, error, retries, expected] of cases) {
        it(name, () => {
            const d = decideRetry({ method, retriesSoFar: retries, hasIdempotencyKey: key, error }, DEFAULT_RETRY, half);
            if (expected === false) assert.equal(d.retry, false, d.reason);
            else {
                assert.equal(d.retry, true, d.reason);
                assert.equal((d as { delayMs: number }).delayMs, expected);
            }
        });
    }
    it("asks again while in progress on a budget of its own: short pauses, until maxInProgressWaitMs", () => {
        const ask = (n: number, waited: number) => decideRetry({ method: "POST", retriesSoFar: 0, hasIdempotencyKey: true, error: inProgress, inProgressSoFar: n, inProgressWaitedMs: waited });
        assert.equal((ask(10, 0) as { delayMs: number }).delayMs, DEFAULT_RETRY.maxInProgressDelayMs, "never longer than maxInProgressDelayMs");
        assert.equal((ask(10, DEFAULT_RETRY.maxInProgressWaitMs - 1000) as { delayMs: number }).delayMs, 1000, "not past the budget");
        const done = ask(200, DEFAULT_RETRY.maxInProgressWaitMs);
        assert.equal(done.retry, false);
        assert.match(done.reason, /still in progress after 900 s/);
    });
    it("jitters backoff within ±25%", () => {
        const lo = decideRetry({ method: "GET", retriesSoFar: 0, hasIdempotencyKey: false, error: server }, DEFAULT_RETRY, () => 0);
        const hi = decideRetry({ method: "GET", retriesSoFar: 0, hasIdempotencyKey: false, error: server }, DEFAULT_RETRY, () => 0.999999);
        assert.equal((lo as { delayMs: number }).delayMs, DEFAULT_RETRY.baseDelayMs * 0.75);
        assert.ok(Math.abs((hi as { delayMs: number }).delayMs - DEFAULT_RETRY.baseDelayMs * 1.25) < 0.01);
    });
});

describe("client: against the emulator", () => {
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    const waits: number[] = [];
    const make = (over: Partial<ConstructorParameters<typeof HeyGenClient>[0]> = {}) =>
        new HeyGenClient({ apiKey: emu.apiKey, baseUrl: emu.url, sleep: async (ms) => void waits.push(ms), ...over });
    const requests = async () => (await control.get("/_emulator/requests")).body.data as { method: string; path: string; status: number; idempotencyKey: string | null }[];

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" } } });
        control = raw(emu.url);
    });
    after(() => emu.stop());
    beforeEach(async () => {
        waits.length = 0;
        await control.post("/_emulator/reset");
    });

    it("creates, reads, renames, lists and deletes with typed results", async () => {
        const c = make();
        const created = await c.createAvatar({ type: "photo", name: "Sarah", file: { type: "url", url: "https://cdn.example.com/s.jpg" } }, newIdempotencyKey());
        assert.equal(created.avatar_item.status, "processing");
        const look = await c.getLook(created.avatar_item.id);
        assert.equal(look.status, "completed");
        assert.equal((await c.renameLook(look.id, "Sarah 2")).name, "Sarah 2");
        assert.equal((await c.getGroup(created.avatar_group.id)).looks_count, 1);
        assert.equal((await c.me()).username, "emulator");
        assert.deepEqual(await c.deleteLook(look.id), { id: look.id });
        await assert.rejects(c.getGroup(created.avatar_group.id), NotFoundError);
    });

    it("pages through every look with the iterator", async () => {
        const c = make();
        for (let i = 0; i < 53; i++) await control.post("/v3/avatars", { type: "photo", name: `L${i}`, file: photoUrl() });
        const names: string[] = [];
        for await (const l of c.allLooks({ ownership: "private" })) names.push(l.name);
        assert.equal(names.length, 53);
        assert.equal(new Set(names).size, 53);
        const pages = (await requests()).filter((r) => r.path === "/v3/avatars/looks");
        assert.equal(pages.length, 2, "50 a page");
    });

    it("raises typed errors with HeyGen's code, param and request id, and no key", async () => {
        const c = make();
        const e = await c.listLooks({ limit: 99 }).catch((x) => x);
        assert.ok(e instanceof BadRequestError);
        assert.equal(e.param, "limit");
        assert.match(e.requestId ?? "", /^req_/);
        assert.doesNotMatch(JSON.stringify(e) + e.stack + e.describe(), new RegExp(emu.apiKey));
        const auth = await make({ apiKey: "wrong-key" }).me().catch((x) => x);
        assert.ok(auth instanceof AuthenticationError);
        assert.doesNotMatch(JSON.stringify(auth) + auth.stack + auth.message, /wrong-key/);
    });

    it("retries 429 honouring Retry-After, for a POST without a key too", async () => {
        await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "error", status: 429, retryAfter: 2, times: 2 });
        const created = await make().createAvatar({ type: "photo", name: "Rate", file: { type: "url", url: "https://cdn.example.com/s.jpg" } }, newIdempotencyKey());
        assert.ok(created.avatar_item.id);
        assert.deepEqual(waits, [2000, 2000]);
        assert.deepEqual((await requests()).map((r) => r.status), [429, 429, 200]);
    });

    it("retries 503 on reads, and on creates only with their Idempotency-Key", async () => {
        await control.post("/_emulator/faults", { path: "/v3/users/me", action: "error", status: 503, times: 2 });
        assert.equal((await make().me()).username, "emulator");
        assert.equal(waits.length, 2);
    });

    it("creates no duplicate when the connection drops after the create was applied", async () => {
        await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 });
        const key = newIdempotencyKey();
        const created = await make().createAvatar({ type: "photo", name: "Once", file: { type: "url", url: "https://cdn.example.com/s.jpg" } }, key);
        const log = await requests();
        assert.deepEqual(log.map((r) => [r.method, r.status, r.idempotencyKey]), [["POST", 0, key], ["POST", 200, key]]);
        const groups = (await control.get("/v3/avatars?ownership=private")).body.data;
        assert.deepEqual(groups.map((g: any) => g.id), [created.avatar_group.id], "exactly one avatar");
    });

    it("waits out a create slower than its timeout: 409 request_in_progress is asked again until the replay, one avatar", async () => {
        await control.put("/_emulator/timing", { create_ms: 1500 });
        const key = newIdempotencyKey();
        const c = make({ timeouts: { writeMs: 300 }, retry: { baseDelayMs: 50, maxInProgressDelayMs: 100 }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
        const created = await c.createAvatar({ type: "photo", name: "Slow", file: { type: "url", url: "https://cdn.example.com/s.jpg" } }, key);
        const statuses = (await requests()).filter((r) => r.method === "POST").map((r) => r.status);
        assert.ok(statuses.includes(409), `asked while in progress: ${statuses}`);
        assert.equal(statuses[statuses.length - 1], 200, "the replayed original answer");
        const looks = (await control.get("/_emulator/state")).body.looks.filter((l: any) => !l.public);
        assert.deepEqual(looks.map((l: any) => l.id), [created.avatar_item.id], "exactly one look, and it is the one returned");
    });

    it("does not retry a keyless POST after a network error", async () => {
        await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop", times: 1 });
        const c = make();
        const e = await (c as any).send({ method: "POST", path: "/v3/avatars", body: { type: "photo", name: "x" }, timeout: "writeMs" }).catch((x: unknown) => x);
        assert.ok(e instanceof ConnectionError);
        assert.equal(waits.length, 0);
    });

    it("times out per operation and says so", async () => {
        await control.post("/_emulator/faults", { path: "/v3/users/me", action: "latency", latencyMs: 400, times: 5 });
        const e = await make({ timeouts: { readMs: 100 }, retry: { maxRetries: 0 } }).me().catch((x) => x);
        assert.ok(e instanceof TimeoutError, String(e));
        assert.match(e.describe(), /GET \/v3\/users\/me: no answer within 0 s|no answer/);
    });

    it("gives up with the last error after maxRetries", async () => {
        await control.post("/_emulator/faults", { path: "/v3/users/me", action: "error", status: 500 });
        const e = await make({ retry: { maxRetries: 2 } }).me().catch((x) => x);
        assert.ok(e instanceof ServerError);
        assert.equal(waits.length, 2);
        assert.equal((await requests()).length, 3);
    });

    it("never sends the key to another origin on a redirect", async () => {
        const seen: (string | undefined)[] = [];
        const elsewhere = http.createServer((req, res) => {
            seen.push(req.headers["x-api-key"] as string | undefined);
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify({ data: { username: "elsewhere" } }));
        });
        await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
        const port = (elsewhere.address() as { port: number }).port;
        const redirector = http.createServer((req, res) => {
            seen.push(req.headers["x-api-key"] as string | undefined);
            // Same host, other port: another origin.
            res.writeHead(302, { location: `http://127.0.0.1:${port}/v3/users/me` }).end();
        });
        await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", r));
        try {
            const c = new HeyGenClient({ apiKey: "secret-key-123", baseUrl: `http://127.0.0.1:${(redirector.address() as { port: number }).port}` });
            assert.equal((await c.me()).username, "elsewhere");
            assert.deepEqual(seen, ["secret-key-123", undefined]);
        } finally {
            elsewhere.close();
            redirector.close();
        }
    });

    it("refuses to start without a key, explaining how to set one", () => {
        assert.throws(() => new HeyGenClient({ apiKey: "" }), /heygen:apiKey.*HEYGEN_API_KEY/);
    });
});
