// What a user sees when something fails (issue 20): every error the handlers hand the engine (through
// `run`, the shim's single entry) is one message without stack frames, naming the setting, the URL, the
// status, the method and path and HeyGen's request id; a partial create still carries its id and
// properties, and a rejected key is still recognised through `cause`. Real HTTP against the emulator.
import { strict as assert } from "assert";
import * as net from "net";
import { type Emulator, startEmulator } from "../../emulator";
import { AuthenticationError, HeyGenClient } from "../../provider/client";
import { isAuthError } from "../../provider/keys";
import { configure, forEngine, handlers, run } from "../../provider/handlers";
import { PartialCreateError } from "../../provider/lifecycle/common";
import { http as raw } from "../support/http";

const PROVIDER = "exports.handler = () => provider; /* stands in for the serialized text */";
const FRAME = /\n\s+at /;

/** What `fn` writes to stderr (console.error included), while it runs. */
function stderrOf(fn: () => void): string {
    let out = "";
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
    }) as typeof process.stderr.write;
    try {
        fn();
    } finally {
        process.stderr.write = write;
    }
    return out;
}

/** As the dynamic-provider host of @pulumi/pulumi logs an error of check, diff, read and delete before returning it. */
const hostEcho = (e: Error) => stderrOf(() => console.error(`${e}: ${e.stack}`));

const closedPort = () =>
    new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });

describe("errors the engine shows: one message, no frames, what to do (real HTTP)", function () {
    this.timeout(60_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    const saved = { key: process.env.HEYGEN_API_KEY, base: process.env.HEYGEN_API_BASE };
    const settings = (config: Record<string, string>, env: { HEYGEN_API_KEY?: string; HEYGEN_API_BASE?: string } = {}) => {
        for (const k of ["HEYGEN_API_KEY", "HEYGEN_API_BASE"] as const) {
            if (env[k] === undefined) delete process.env[k];
            else process.env[k] = env[k];
        }
        configure({ config: { get: (k: string) => config[k] } } as any);
    };
    const useEmulator = () => settings({ "heygen:apiKey": emu.apiKey, "heygen:baseUrl": emu.url });
    const failure = async (p: unknown): Promise<Error> => {
        const e = await (p as Promise<unknown>).then(() => undefined, (x) => x);
        assert.ok(e instanceof Error, `expected a rejection, got ${String(e)}`);
        return e;
    };
    /** One message, no frames, and the host's echo of it dropped (the engine shows the returned error already). */
    const assertShownOnce = (e: Error) => {
        assert.doesNotMatch(e.stack ?? "", FRAME, `no stack frames: ${e.stack}`);
        assert.equal(hostEcho(e), "", "the host's stderr echo of the error is dropped");
        assert.notEqual(e.message.trim(), "");
    };
    const newGroup = async (name: string) =>
        (await control.post("/v3/avatars", { type: "photo", name, file: { type: "url", url: "https://cdn.example.com/s.jpg" } })).body.data.avatar_group.id as string;
    const look = (groupId: string, name: string) => ({ __provider: PROVIDER, groupId, name, image: { url: "https://cdn.example.com/a.jpg" } });

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
    });
    after(async () => {
        await emu.stop();
        for (const [k, v] of [["HEYGEN_API_KEY", saved.key], ["HEYGEN_API_BASE", saved.base]] as const) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    });
    beforeEach(async () => {
        await control.post("/_emulator/reset");
        await control.del("/_emulator/faults");
        useEmulator();
    });

    it("the delete guard (a group holding a look the stack does not manage): its message once, no frames", async () => {
        const made = await handlers("avatarGroup").create({ name: "Shared", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } } });
        await control.post("/v3/avatars", { type: "photo", name: "Made in the web app", avatar_group_id: made.id, file: { type: "url", url: "https://cdn.example.com/w.jpg" } });
        const e = await failure(run({ kind: "avatarGroup" }, "delete", [made.id, made.outs]));
        assert.match(e.message, /still holds 1 look this stack does not manage.*"Made in the web app"/);
        assertShownOnce(e);
        // Only that echo is dropped: anything else the process writes to stderr still shows.
        assert.match(stderrOf(() => console.error("heygen: something else")), /something else/);
    });

    it("the delete guard for a look that is the last of its group: once, no frames", async () => {
        const groupId = await newGroup("Web group");
        const inputs = (await handlers("photoLook").check({}, look(groupId, "Last one"))).inputs;
        const made = await handlers("photoLook").create(inputs);
        const first = (await control.get("/_emulator/state")).body.looks.find((l: any) => l.group_id === groupId && l.id !== made.id);
        await control.del(`/_emulator/looks/${first.id}`);
        const e = await failure(run({ kind: "photoLook" }, "delete", [made.id, made.outs]));
        assert.match(e.message, /is the last look of avatar group "Web group"/);
        assertShownOnce(e);
    });

    it("a base URL ending in /v3 (HEYGEN_API_BASE): names the setting and what to write, not `No route for GET /v3/v3/users/me`", async () => {
        const groupId = await newGroup("G");
        settings({ "heygen:apiKey": emu.apiKey }, { HEYGEN_API_BASE: `${emu.url}/v3/` });
        const e = await failure(run({ kind: "photoLook" }, "check", [{}, look(groupId, "Casual")]));
        assert.match(e.message, new RegExp(`^HEYGEN_API_BASE is '${emu.url}/v3', which ends in the API version /v3: .*Leave the version out: \`export HEYGEN_API_BASE=${emu.url}\``));
        assert.doesNotMatch(e.message, /No route/);
        assertShownOnce(e);
    });

    it("a malformed heygen:baseUrl: names the setting, not `Invalid URL`", async () => {
        settings({ "heygen:apiKey": emu.apiKey, "heygen:baseUrl": "api.heygen.com" });
        const e = await failure(run({ kind: "avatarGroup" }, "check", [{}, { __provider: PROVIDER, name: "G", firstLook: { type: "prompt", prompt: "a chef" } }]));
        assert.match(e.message, /^heygen:baseUrl is 'api\.heygen\.com', which is not a URL: .*`pulumi config set heygen:baseUrl https:\/\/api\.heygen\.com`/);
        assertShownOnce(e);
    });

    it("a persistent 503: the status, the method and path, HeyGen's request id and the attempts", async function () {
        this.timeout(60_000); // the client's own backoff: about 8 s
        await control.post("/_emulator/faults", { method: "GET", path: "/v3/users/me", action: "error", status: 503 });
        // Settings of their own: the process remembers a key check's failure for the settings it was made with.
        settings({ "heygen:apiKey": emu.apiKey, "heygen:baseUrl": emu.url.replace("127.0.0.1", "localhost") });
        const e = await failure(run({ kind: "avatarGroup" }, "check", [{}, { __provider: PROVIDER, name: "G", firstLook: { type: "prompt", prompt: "a chef" } }]));
        const last = (await control.get("/_emulator/requests")).body.data.filter((r: any) => r.path === "/v3/users/me").pop();
        assert.ok(last?.requestId, "the emulator logged the request's id");
        assert.match(e.message, /GET \/v3\/users\/me: /);
        assert.match(e.message, /HTTP 503/);
        assert.ok(e.message.includes(`request id: ${last.requestId}`), e.message);
        assert.match(e.message, /5 attempts/);
        assertShownOnce(e);
    });

    it("an unreachable API: the URL tried and the setting that says where it is", async () => {
        const port = await closedPort();
        const base = `http://127.0.0.1:${port}`;
        // The client as the provider makes it, with a short backoff (the engine test waits the real one).
        const e = await new HeyGenClient({ apiKey: "k", baseUrl: base, retry: { baseDelayMs: 1, maxDelayMs: 2 } }).me().catch((x) => x);
        const shown = forEngine(e);
        assert.match(shown.message, new RegExp(`^GET /v3/users/me: could not reach ${base} \\(ECONNREFUSED\\) — 5 attempts\\. Check the API's address \\(heygen:baseUrl, or HEYGEN_API_BASE\\) and the network$`));
        assert.equal(shown.stack, "");
    });

    it("a partial create still reaches the engine as one: its id and properties (with __provider), no frames", async () => {
        const groupId = await newGroup("G");
        const inputs = (await handlers("photoLook").check({}, { ...look(groupId, "Doomed [fail]"), waitFor: "trained" })).inputs;
        const e = await failure(run({ kind: "photoLook" }, "create", [inputs]));
        assert.ok(e instanceof PartialCreateError, String(e));
        assert.match(e.id, /^[0-9a-f]{32}$/);
        assert.equal((e.properties as Record<string, unknown>).__provider, PROVIDER);
        assert.equal((e.properties as Record<string, unknown>).status, "failed");
        assert.doesNotMatch(e.stack ?? "", FRAME);
    });

    it("a rejected key is still recognised through `cause`, and said once", async () => {
        settings({ "heygen:apiKey": "not-the-key", "heygen:baseUrl": emu.url });
        const e = await failure(run({ kind: "avatarGroup" }, "check", [{}, { __provider: PROVIDER, name: "G", firstLook: { type: "prompt", prompt: "a chef" } }]));
        assert.match(e.message, /^HeyGen rejected the API key from heygen:apiKey \(HTTP 401/);
        // A handler's error that wraps a 401 (what withKeyRecovery looks for) keeps it as its cause.
        assert.equal(isAuthError(forEngine(new Error("deleting avatar group g: …", { cause: new AuthenticationError("Invalid API key", { status: 401 }) }))), true);
        assert.doesNotMatch(e.message, /not-the-key/);
        assertShownOnce(e);
    });

    it("a bug of the provider (a TypeError) says where, in the one line, and asks to be reported", () => {
        let thrown: unknown;
        try {
            (undefined as any).name;
        } catch (x) {
            thrown = x;
        }
        const e = forEngine(thrown);
        assert.match(e.message, /^pulumi-heygen failed with TypeError: Cannot read properties of undefined .* \(at .*errors\.test\.ts:\d+:\d+\)\)\. This is a bug in pulumi-heygen: please report it/);
        assert.equal(e.stack, "");
    });
});
