// What the user sees while the provider works: the HTTP debug lines (HEYGEN_DEBUG=http) and the progress
// of long waits. The formatting is pure and table-tested; the client's lines are checked over real HTTP.
import { strict as assert } from "assert";
import { type Emulator, startEmulator } from "../../emulator";
import { HeyGenClient } from "../../provider/client";
import { formatHttpCall, safePath, requestIdFromBody, type HttpCall } from "../../provider/client/httpLog";
import { DEBUG_VAR, debugFromEnv } from "../../provider/settings";
import { carryUrn } from "../../provider/handlers";
import { formatIdentity, formatUrn } from "../../provider/identity";
import { duration, validUrn, waitMessage, waitReporter } from "../../provider/progress";
import { http as raw } from "../support/http";

const KEY = "sk_live_0123456789abcdef";
const CONSENT = "https://app.heygen.com/consent/tok_abcdef123456?sig=zzz";

describe("visibility: one HTTP debug line (table)", () => {
    const call = (c: Partial<HttpCall>): HttpCall => ({ method: "GET", url: "/v3/avatars", status: 200, durationMs: 12.4, attempt: 1, ...c });
    const cases: [string, HttpCall, string][] = [
        ["a plain call", call({ requestId: "req_1" }), "heygen http: GET /v3/avatars → 200, 12 ms, request id req_1"],
        ["a retry says its attempt", call({ method: "POST", status: 502, attempt: 3 }), "heygen http: POST /v3/avatars → 502, 12 ms, attempt 3"],
        ["no response: the network error's code", call({ status: undefined, error: "ECONNRESET", attempt: 2 }), "heygen http: GET /v3/avatars → ECONNRESET, 12 ms, attempt 2"],
        ["an error that is not a code is not printed", call({ status: undefined, error: `failed ${CONSENT}` }), "heygen http: GET /v3/avatars → no response, 12 ms"],
        ["the query is dropped", call({ url: "/v3/avatars/looks?group_id=g1&token=t" }), "heygen http: GET /v3/avatars/looks → 200, 12 ms"],
        ["the key in a query is dropped with it", call({ url: `/v3/users/me?api_key=${KEY}` }), "heygen http: GET /v3/users/me → 200, 12 ms"],
        ["the key in a path is blanked", call({ url: `/v3/assets/${KEY}` }), "heygen http: GET /v3/assets/*** → 200, 12 ms"],
        ["the key as a request id is blanked", call({ requestId: KEY }), "heygen http: GET /v3/avatars → 200, 12 ms, request id ***"],
        ["a presigned upload URL: origin and path, no signature", call({ method: "PUT", url: "https://storage.example.com/up/a1?X-Amz-Signature=abc&X-Amz-Credential=k" }), "heygen http: PUT https://storage.example.com/up/a1 → 200, 12 ms"],
        ["credentials in a URL are dropped", call({ method: "PUT", url: "https://user:pw@storage.example.com/up" }), "heygen http: PUT https://storage.example.com/up → 200, 12 ms"],
        ["a request id that is a URL is not printed", call({ requestId: CONSENT }), "heygen http: GET /v3/avatars → 200, 12 ms"],
        ["a consent URL in a path loses its query", call({ url: CONSENT }), "heygen http: GET https://app.heygen.com/consent/tok_abcdef123456 → 200, 12 ms"],
    ];
    for (const [name, c, expected] of cases) {
        it(`${name}`, () => {
            const line = formatHttpCall(c, [KEY, undefined]);
            assert.equal(line, expected);
            assert.ok(!line.includes(KEY) && !line.includes(encodeURIComponent(KEY)), "never the key");
            assert.ok(!line.includes("sig=") && !line.includes("Signature"), "never a signature");
        });
    }
    it("the key is blanked however it is given (encoded with its slashes too)", () => {
        const key = "k/with=odd+chars";
        const line = formatHttpCall(call({ url: `/v3/x/${encodeURIComponent(key)}/${key}` }), [key]);
        assert.equal(line, "heygen http: GET /v3/x/***/*** → 200, 12 ms");
    });
    it("reads request_id from an error body and nothing else", () => {
        assert.equal(requestIdFromBody({ error: { code: "x", message: CONSENT, request_id: "req_9" } }), "req_9");
        assert.equal(requestIdFromBody({ request_id: "req_8", data: { url: CONSENT } }), "req_8");
        assert.equal(requestIdFromBody({ request_id: CONSENT }), undefined);
        assert.equal(requestIdFromBody("<html>502</html>"), undefined);
        assert.equal(safePath(""), "/");
    });
});

describe("visibility: the debug switch (table)", () => {
    const cases: [string | undefined, boolean][] = [
        [undefined, false], ["", false], ["http", true], ["HTTP", true], ["upload,http", true], ["all", true], ["*", true], ["1", false], ["https", false],
    ];
    for (const [value, http] of cases) {
        it(`${DEBUG_VAR}=${JSON.stringify(value)} → http ${http ? "on" : "off"}`, () => {
            assert.deepEqual(debugFromEnv(value === undefined ? {} : { [DEBUG_VAR]: value }), { http });
        });
    }
});

describe("visibility: the client's debug lines over real HTTP", function () {
    this.timeout(30_000);
    let emu: Emulator;
    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" } } });
    });
    after(() => emu.stop());

    it("one line per call and per retry, with status, request id and attempt; never the key or a query", async () => {
        const control = raw(emu.url);
        await control.post("/_emulator/faults", { method: "GET", path: "/v3/avatars", action: "error", status: 503, times: 1 });
        const lines: string[] = [];
        const api = new HeyGenClient({ apiKey: emu.apiKey, baseUrl: emu.url, retry: { baseDelayMs: 1 }, debugHttp: (l) => lines.push(l) });
        await api.listGroups({ limit: 5, ownership: "private" } as any);
        await assert.rejects(api.getLook("missing"));
        await api.me();
        assert.equal(lines.length, 4, lines.join("\n"));
        assert.match(lines[0], /^heygen http: GET \/v3\/avatars → 503, \d+ ms(, request id \S+)?$/);
        assert.match(lines[1], /^heygen http: GET \/v3\/avatars → 200, \d+ ms, request id req_\w+, attempt 2$/);
        assert.match(lines[2], /^heygen http: GET \/v3\/avatars\/looks\/missing → 404, \d+ ms, request id req_\w+$/);
        assert.match(lines[3], /^heygen http: GET \/v3\/users\/me → 200/);
        for (const l of lines) {
            assert.ok(!l.includes(emu.apiKey), "never the key");
            assert.ok(!l.includes("limit="), "never the query");
        }
    });

    it("a connection that fails has a line too", async () => {
        const lines: string[] = [];
        const api = new HeyGenClient({ apiKey: KEY, baseUrl: "http://127.0.0.1:9", retry: { maxRetries: 0 }, debugHttp: (l) => lines.push(l) });
        await assert.rejects(api.me());
        assert.deepEqual(lines.map((l) => l.replace(/\d+ ms/, "N ms")), ["heygen http: GET /v3/users/me → ECONNREFUSED, N ms"]);
    });

    it("without the switch, nothing is logged", async () => {
        const api = new HeyGenClient({ apiKey: emu.apiKey, baseUrl: emu.url });
        const before = process.stderr.write;
        let written = "";
        process.stderr.write = ((s: string) => ((written += s), true)) as any;
        try {
            await api.me();
        } finally {
            process.stderr.write = before;
        }
        assert.equal(written, "");
    });
});

describe("visibility: progress of a wait (table)", () => {
    const durations: [number, string][] = [[0, "0s"], [999, "0s"], [42_000, "42s"], [130_000, "2m10s"], [900_000, "15m00s"], [3_900_000, "1h05m"], [-5, "0s"]];
    for (const [ms, s] of durations) it(`${ms} ms → ${s}`, () => assert.equal(duration(ms), s));

    it("says what it waits for, the status, how long so far and at most", () => {
        assert.equal(waitMessage("training", "processing", 130_000, 900_000), "training: processing, 2m10s of 15m00s");
    });

    it("reports when the wait starts, then at most once every 15 s", () => {
        let t = 1_000;
        const out: string[] = [];
        const r = waitReporter("training", 600_000, (m) => out.push(m), 15_000, () => t);
        for (const step of [0, 5_000, 9_000, 1_000, 10_000, 5_000, 30_000]) {
            t += step;
            r.update("processing");
        }
        t += 4_000;
        r.done("completed");
        assert.deepEqual(out, [
            "training: processing, 0s of 10m00s", "training: processing, 15s of 10m00s", "training: processing, 30s of 10m00s",
            "training: processing, 1m00s of 10m00s", "training: completed after 1m04s",
        ]);
    });

    it("says nothing at the end of a wait that never reported (it was over at the first look)", () => {
        const out: string[] = [];
        waitReporter("training", 600_000, (m) => out.push(m), 15_000, () => 0).done("completed");
        assert.deepEqual(out, []);
    });
});

describe("visibility: the URN a message is attached to (table)", () => {
    it("is formed as the engine forms it, parents' types first", () => {
        assert.equal(formatUrn("dev", "estate", [], "pulumi-nodejs:dynamic/heygen:PhotoLook", "casual"), "urn:pulumi:dev::estate::pulumi-nodejs:dynamic/heygen:PhotoLook::casual");
        assert.equal(
            formatUrn("dev", "estate", ["my:index:Character", "pulumi-nodejs:dynamic/heygen:AvatarGroup"], "pulumi-nodejs:dynamic/heygen:PhotoLook", "a::b"),
            "urn:pulumi:dev::estate::my:index:Character$pulumi-nodejs:dynamic/heygen:AvatarGroup$pulumi-nodejs:dynamic/heygen:PhotoLook::a::b",
        );
    });
    const urns: [unknown, string][] = [
        ["urn:pulumi:dev::estate::pulumi-nodejs:dynamic/heygen:PhotoLook::casual", "urn:pulumi:dev::estate::pulumi-nodejs:dynamic/heygen:PhotoLook::casual"],
        [undefined, ""], [42, ""], ["", ""], ["test/dev/heygen:PhotoLook/casual", ""], ["urn:pulumi:dev::estate::t::a\nb", ""],
    ];
    for (const [urn, sent] of urns) it(`sends ${JSON.stringify(urn)} as ${JSON.stringify(sent)}`, () => assert.equal(validUrn(urn), sent));
});

describe("a resource's identity (__identity: its Idempotency-Key and journal entry) (table)", () => {
    const cases: [string, string[], string, string][] = [
        // A top-level resource's identity is what 0.1.0 wrote: its state and journal entries keep matching.
        ["top level: as in 0.1.0", [], "PhotoLook", "dev-proj/dev/heygen:PhotoLook/casual"],
        ["under a component", ["my:index:Character"], "PhotoLook", "dev-proj/dev/my:index:Character$heygen:PhotoLook/casual"],
        ["under a group under a component", ["my:index:Character", "pulumi-nodejs:dynamic/heygen:AvatarGroup"], "PhotoLook", "dev-proj/dev/my:index:Character$pulumi-nodejs:dynamic/heygen:AvatarGroup$heygen:PhotoLook/casual"],
    ];
    for (const [name, parents, type, want] of cases) it(name, () => assert.equal(formatIdentity("dev-proj", "dev", parents, type, "casual"), want));
    it("two resources of one type and name under different parents have different identities (as their URNs differ)", () => {
        assert.notEqual(formatIdentity("p", "dev", [], "PhotoLook", "casual"), formatIdentity("p", "dev", ["my:index:Character"], "PhotoLook", "casual"));
    });
});

describe("visibility: __urn rides along in state (table)", () => {
    const URN = "urn:pulumi:dev::p::pulumi-nodejs:dynamic/heygen:PhotoLook::a";
    const cases: [string, any[], any, any][] = [
        ["create: into the outputs", [{ __urn: URN }], { id: "l1", outs: { name: "a" } }, { id: "l1", outs: { name: "a", __urn: URN } }],
        ["update: the new inputs' URN", [{}, { __urn: "old" }, { __urn: URN }], { outs: {} }, { outs: { __urn: URN } }],
        ["read: back into props and inputs", ["l1", { __urn: URN }], { id: "l1", props: { name: "b" }, inputs: { name: "b" } }, { id: "l1", props: { name: "b", __urn: URN }, inputs: { name: "b", __urn: URN } }],
        ["read of state without it: nothing added", ["l1", { name: "a" }], { id: "l1", props: { name: "a" } }, { id: "l1", props: { name: "a" } }],
        ["check and diff: untouched", [{}, { __urn: URN }], { inputs: { a: 1 } }, { inputs: { a: 1 } }],
    ];
    for (const [name, args, result, expected] of cases) {
        it(name, () => {
            const method = name.split(":")[0].split(" ")[0];
            assert.deepEqual(carryUrn(method, args, result), expected);
        });
    }
});
