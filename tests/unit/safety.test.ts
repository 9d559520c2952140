// The decisions that keep a real account safe, as tables: where the key comes from and what wins, what is
// wrong with where it lives, what a rejected key's message says, which URLs cannot be real, whose
// passphrase protects a stack, and which API a stack may run against. Plus the emulator's key rotation and
// the provider's recovery from a rotated key, over real HTTP.
import { strict as assert } from "assert";
import { type Emulator, startEmulator } from "../../emulator";
import { isAuthError, rejectedKeyMessage } from "../../provider/keys";
import { DEMO_PASSPHRASE, configProblem, isLocalApi, resolveSettings } from "../../provider/settings";
import { AuthenticationError, NotFoundError } from "../../provider/client";
import { configure, handlers, run } from "../../provider/handlers";
import { http as raw } from "../support/http";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const checks = require("../../scripts/start-checks");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const engineEnvModule = require("../../scripts/engine-env");

describe("safe by default: decisions", () => {
    describe("resolveSettings: stack config wins, HEYGEN_API_KEY is the key without it and the fallback with it", () => {
        const cases: [string, Record<string, string>, Record<string, string>, { apiKey?: string; keySource: string; fallbackKey?: string; baseUrl: string }][] = [
            ["nothing", {}, {}, { keySource: "none", baseUrl: "https://api.heygen.com" }],
            ["env only", {}, { HEYGEN_API_KEY: "e" }, { apiKey: "e", keySource: "HEYGEN_API_KEY", baseUrl: "https://api.heygen.com" }],
            ["config only", { "heygen:apiKey": "c" }, {}, { apiKey: "c", keySource: "heygen:apiKey", baseUrl: "https://api.heygen.com" }],
            ["both, different: config, env as fallback", { "heygen:apiKey": "c" }, { HEYGEN_API_KEY: "e" }, { apiKey: "c", keySource: "heygen:apiKey", fallbackKey: "e", baseUrl: "https://api.heygen.com" }],
            ["both, the same: no fallback", { "heygen:apiKey": "c" }, { HEYGEN_API_KEY: "c" }, { apiKey: "c", keySource: "heygen:apiKey", baseUrl: "https://api.heygen.com" }],
            ["base url: config over env, no trailing slash", { "heygen:baseUrl": "http://127.0.0.1:9/" }, { HEYGEN_API_BASE: "http://x" }, { keySource: "none", baseUrl: "http://127.0.0.1:9" }],
        ];
        for (const [name, config, env, expected] of cases) {
            it(name, () => assert.deepEqual(JSON.parse(JSON.stringify(resolveSettings((k) => config[k], env))), expected));
        }
    });

    describe("configProblem", () => {
        const cases: [string, Parameters<typeof configProblem>[0], RegExp | undefined][] = [
            ["plain key: refused with the fix", { configKey: "plain", baseUrl: "http://127.0.0.1:1", stack: "dev" }, /heygen:apiKey is set in plain text in the stack config \(Pulumi\.dev\.yaml\).*`pulumi config set --secret heygen:apiKey <key>`/],
            ["secret key, own passphrase, real API: fine", { configKey: "secret", baseUrl: "https://api.heygen.com", passphrase: "mine" }, undefined],
            ["no key in config: fine", { configKey: "absent", baseUrl: "https://api.heygen.com" }, undefined],
            ["demo passphrase on the emulator: fine", { configKey: "secret", baseUrl: "http://127.0.0.1:4010", passphrase: DEMO_PASSPHRASE }, undefined],
            ["demo passphrase on localhost: fine", { configKey: "absent", baseUrl: "http://localhost:4010", passphrase: DEMO_PASSPHRASE }, undefined],
            ["demo passphrase against a real API: refused, saying how", { configKey: "absent", baseUrl: "https://api.heygen.com", passphrase: DEMO_PASSPHRASE }, /demo passphrase, which is published .*export PULUMI_CONFIG_PASSPHRASE=.*change-secrets-provider/],
        ];
        for (const [name, input, expected] of cases) {
            it(name, () => {
                const p = configProblem(input);
                if (expected) assert.match(p ?? "", expected);
                else assert.equal(p, undefined);
            });
        }
        it("the demo passphrase is the same string in the provider and in scripts/engine-env.js", () => assert.equal(engineEnvModule.DEMO_PASSPHRASE, DEMO_PASSPHRASE));
        it("isLocalApi", () => {
            for (const u of ["http://127.0.0.1:1", "http://localhost", "http://[::1]:4010", "http://127.3.2.1"]) assert.equal(isLocalApi(u), true, u);
            for (const u of ["https://api.heygen.com", "http://10.0.0.1", "not a url", "http://127.0.0.1.nip.io"]) assert.equal(isLocalApi(u), false, u);
        });
    });

    it("rejectedKeyMessage says where the key came from and, for a saved key, what to do", () => {
        const saved = rejectedKeyMessage({ keySource: "heygen:apiKey", baseUrl: "https://api.heygen.com" });
        assert.match(saved, /^HeyGen rejected the API key from heygen:apiKey \(HTTP 401 at https:\/\/api\.heygen\.com\)\./);
        assert.match(saved, /`pulumi config set --secret heygen:apiKey <new key>`, then `pulumi up`/);
        assert.match(saved, /`pulumi refresh --run-program`/);
        assert.match(saved, /HEYGEN_API_KEY=<new key>/);
        assert.match(rejectedKeyMessage({ keySource: "heygen:apiKey", baseUrl: "x", fallbackKey: "k" }), /and the one in HEYGEN_API_KEY too/);
        assert.match(rejectedKeyMessage({ keySource: "HEYGEN_API_KEY", baseUrl: "x" }), /^HeyGen rejected the API key from HEYGEN_API_KEY \(HTTP 401 at x\): check the key/);
    });

    it("isAuthError sees a 401 through the errors handlers wrap it in", () => {
        const e = new AuthenticationError("Invalid or missing API key", { status: 401 });
        assert.equal(isAuthError(e), true);
        assert.equal(isAuthError(new Error("deleting avatar group x: …", { cause: e })), true);
        assert.equal(isAuthError(new Error("outer", { cause: new Error("middle", { cause: e }) })), true);
        assert.equal(isAuthError(new NotFoundError("gone", { status: 404 })), false);
        assert.equal(isAuthError(new Error("HTTP 401")), false);
    });

    describe("npm start: URLs that cannot be real", () => {
        const cases: [string, string | undefined][] = [
            ["https://cdn.example.com/a.mp4", "is a reserved example domain"],
            ["https://example.org/a.jpg", "is a reserved example domain"],
            ["https://www.example.net/a.jpg", "is a reserved example domain"],
            ["https://media.shop.example/a.jpg", "is a reserved example domain"],
            ["https://host.invalid/a.jpg", "is a reserved example domain"],
            ["https://cdn.test/a.jpg", "is a reserved example domain"],
            ["https://localhost/a.jpg", "is a reserved example domain"],
            ["https://127.0.0.1/a.jpg", "is a private or loopback address"],
            ["https://192.168.1.10/a.jpg", "is a private or loopback address"],
            ["https://172.20.0.1/a.jpg", "is a private or loopback address"],
            ["http://media.acme.io/a.jpg", "is not https"],
            ["https://media.acme.io/a.jpg", undefined],
            ["https://notexample.com/a.jpg", undefined],
            ["https://172.32.0.1/a.jpg", undefined],
        ];
        for (const [url, why] of cases) it(`${url}: ${why ?? "may be real"}`, () => assert.equal(checks.unrealUrlReason(url), why));

        it("finds them anywhere in the stack config, naming key and path, skipping heygen:* and secrets", () => {
            const config = {
                "heygen:baseUrl": { value: "http://127.0.0.1:4010", secret: false },
                "heygen:apiKey": { secret: true },
                "heygen-estate:characters": {
                    value: "[…]", secret: false,
                    objectValue: [{ looks: [{ footage: { url: "https://cdn.example.com/s.mp4" } }, { image: { url: "https://media.acme.io/ok.jpg" } }], consent: { rerouteUrl: "https://example.com/thanks" } }],
                },
                "app:site": { value: "https://localhost/x", secret: false },
                "app:json": { value: JSON.stringify({ u: "https://a.example/x" }), secret: false },
            };
            assert.deepEqual(checks.unrealUrls(config).map((u: any) => `${u.key} ${u.path}`), [
                "heygen-estate:characters [0].looks[0].footage.url",
                "heygen-estate:characters [0].consent.rerouteUrl",
                "app:site ",
                "app:json u",
            ]);
        });
    });

    describe("npm start: whose passphrase protects a stack with a real key", () => {
        const read = (files: Record<string, string>) => (p: string) => {
            if (!(p in files)) throw new Error("ENOENT");
            return files[p];
        };
        const cases: [string, Record<string, string>, string, RegExp | undefined][] = [
            ["none", {}, "", /no passphrase of yours protects its secrets: set a passphrase of your own/],
            ["the demo one", { PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE }, "", /is the emulator demo passphrase, published in this repository/],
            ["empty", { PULUMI_CONFIG_PASSPHRASE: "" }, "", /PULUMI_CONFIG_PASSPHRASE is empty/],
            ["the user's own", { PULUMI_CONFIG_PASSPHRASE: "mine" }, "", undefined],
            ["a file with the user's own", { PULUMI_CONFIG_PASSPHRASE_FILE: "/p" }, "", undefined],
            ["a file with the demo one", { PULUMI_CONFIG_PASSPHRASE_FILE: "/demo" }, "", /demo passphrase/],
            ["a file that cannot be read", { PULUMI_CONFIG_PASSPHRASE_FILE: "/missing" }, "", /cannot be read/],
            ["a KMS of the user's own, no passphrase needed", {}, "secretsprovider: awskms://alias/mine\nconfig: {}\n", undefined],
            ["secretsprovider passphrase still needs one", {}, "secretsprovider: passphrase\n", /no passphrase of yours/],
        ];
        for (const [name, env, file, expected] of cases) {
            it(name, () => {
                const p = checks.passphraseProblem(env, file, "real", read({ "/p": "mine\n", "/demo": `${DEMO_PASSPHRASE}\n` }));
                if (expected) assert.match(p ?? "", expected);
                else assert.equal(p, undefined);
            });
        }
    });

    describe("npm start: one stack, one API", () => {
        const cases: [string | undefined, string, RegExp | undefined][] = [
            [undefined, "emulator", undefined],
            [undefined, "https://api.heygen.com", undefined],
            ["emulator", "emulator", undefined],
            ["https://api.heygen.com", "https://api.heygen.com", undefined],
            ["emulator", "https://api.heygen.com", /holds objects of the local emulator .*a real account needs a stack of its own.*pulumi stack init real/],
            ["https://api.heygen.com", "emulator", /manages the HeyGen account at https:\/\/api\.heygen\.com, but no key is configured/],
            ["https://api.heygen.com", "https://eu.heygen.example", /use a stack of its own for each API/],
        ];
        for (const [recorded, target, expected] of cases) {
            it(`${recorded ?? "(new)"} → ${target}`, () => {
                const p = checks.apiMismatch(recorded, target, "s");
                if (expected) assert.match(p ?? "", expected);
                else assert.equal(p, undefined);
            });
        }
    });
});

describe("safe by default: a rotated key (real HTTP, one-key emulator)", () => {
    let emu: Emulator;
    const saved = { key: process.env.HEYGEN_API_KEY, base: process.env.HEYGEN_API_BASE };
    before(async () => {
        emu = await startEmulator({ apiKeys: ["old-key"], timing: { prompt: { mode: "instant" } } });
    });
    after(async () => {
        await emu.stop();
        for (const [k, v] of [["HEYGEN_API_KEY", saved.key], ["HEYGEN_API_BASE", saved.base]] as const) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    });

    it("the emulator rotates its keys: the old one gets 401 at once, the control API never shows keys", async () => {
        const put = await raw(emu.url, null).call("PUT", "/_emulator/api-keys", { json: { keys: ["k2"] } });
        assert.deepEqual(put.body, { accepted: 1 });
        assert.equal((await raw(emu.url, "old-key").get("/v3/users/me")).status, 401);
        assert.equal((await raw(emu.url, "k2").get("/v3/users/me")).status, 200);
        assert.equal(emu.apiKey, "k2");
        assert.equal((await raw(emu.url, null).call("PUT", "/_emulator/api-keys", { json: { keys: [] } })).status, 400);
        emu.setApiKeys(["old-key"]);
    });

    it("a read with the saved key, now rotated: a message saying what to do; with HEYGEN_API_KEY, the read succeeds", async () => {
        configure({ config: { get: (k: string) => ({ "heygen:apiKey": "old-key", "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
        delete process.env.HEYGEN_API_KEY;
        const made = await handlers("avatarGroup").create({ name: "G", firstLook: { type: "prompt", prompt: "a chef" } });
        emu.setApiKeys(["new-key"]);
        // Through the shim's entry, as the engine calls it.
        const read = () => run({ kind: "avatarGroup" }, "read", [made.id, made.outs]) as Promise<{ id?: string }>;
        await assert.rejects(read(), (e: Error) => {
            assert.match(e.message, /HeyGen rejected the API key from heygen:apiKey \(HTTP 401 at http:\/\/127\.0\.0\.1:\d+\)\. `pulumi refresh` and `pulumi destroy` use the key saved/);
            assert.doesNotMatch(e.message + (e.stack ?? ""), /old-key|new-key/);
            return true;
        });
        process.env.HEYGEN_API_KEY = "new-key";
        assert.equal((await read()).id, made.id);
        await handlers("avatarGroup").delete(made.id, made.outs);
    });

    it("parallel handlers that all meet the rotated key check it once and all go on with HEYGEN_API_KEY", async () => {
        emu.setApiKeys(["key-1"]);
        delete process.env.HEYGEN_API_KEY;
        configure({ config: { get: (k: string) => ({ "heygen:apiKey": "key-1", "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
        const made = await Promise.all([1, 2, 3, 4].map((i) => handlers("avatarGroup").create({ name: `G${i}`, firstLook: { type: "prompt", prompt: "a chef" } })));
        emu.setApiKeys(["key-2"]);
        process.env.HEYGEN_API_KEY = "key-2";
        const before = emu.requests.length;
        const reads = await Promise.all(made.map((m) => run({ kind: "avatarGroup" }, "read", [m.id, m.outs]) as Promise<{ id?: string }>));
        assert.deepEqual(reads.map((r) => r.id), made.map((m) => m.id));
        const checks = emu.requests.slice(before).filter((r) => r.path === "/v3/users/me");
        assert.ok(checks.length <= 2, `one check per key, not per handler: ${checks.length}`);
        for (const m of made) await run({ kind: "avatarGroup" }, "delete", [m.id, m.outs]);
    });

    // A look's check reads its group while the key is checked: the key's answer must still decide.
    it("a look's check with a rotated key fails, HEYGEN_API_KEY or not: `up` would save the rejected heygen:apiKey in state", async () => {
        emu.setApiKeys(["key-a"]);
        delete process.env.HEYGEN_API_KEY;
        configure({ config: { get: (k: string) => ({ "heygen:apiKey": "key-a", "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
        const group = await handlers("avatarGroup").create({ name: "G", firstLook: { type: "prompt", prompt: "a chef" } });
        const news = { groupId: group.id, name: "casual", image: { url: "https://cdn.example.com/a.jpg" } };
        emu.setApiKeys(["key-b"]);
        configure({ config: { get: (k: string) => ({ "heygen:apiKey": "rotated-1", "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
        process.env.HEYGEN_API_KEY = "key-b";
        await assert.rejects(
            run({ kind: "photoLook" }, "check", [{}, news]) as Promise<unknown>,
            /HeyGen rejected the API key in heygen:apiKey \(HTTP 401 .*HEYGEN_API_KEY is accepted, but `pulumi up` would save the rejected heygen:apiKey.*pulumi config set --secret heygen:apiKey/,
        );
        // refresh and destroy (no check: they do not run the program) still fall back to HEYGEN_API_KEY.
        const read = (await run({ kind: "avatarGroup" }, "read", [group.id, group.outs])) as { id?: string };
        assert.equal(read.id, group.id);

        configure({ config: { get: (k: string) => ({ "heygen:apiKey": "rotated-2", "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
        delete process.env.HEYGEN_API_KEY;
        await assert.rejects(run({ kind: "photoLook" }, "check", [{}, news]) as Promise<unknown>, /HeyGen rejected the API key from heygen:apiKey \(HTTP 401/);
        process.env.HEYGEN_API_KEY = "key-b";
        configure({ config: { get: (k: string) => ({ "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
        await handlers("avatarGroup").delete(group.id, group.outs);
    });
});
