// The key in use: heygen:apiKey or HEYGEN_API_KEY (settings.ts), checked once per process against HeyGen
// (GET /v3/users/me) so a wrong key fails at preview, and recovered when HeyGen rejects a key saved in
// state by an earlier `up` (a rotated key): HEYGEN_API_KEY stands in for refresh and destroy. And the
// process's client for that key. What is remembered lives in memory.ts, keyed by a digest, never the key.
import * as crypto from "crypto";
import { AuthenticationError, HeyGenError, type HeyGenClient } from "./client";
import { newClient } from "./connect";
import { memory } from "./memory";
import { ConfigurationError, MISSING_KEY, type Settings, configured, debugFromEnv, processConfigProblem } from "./settings";

/** The settings in use: as configured, but with HEYGEN_API_KEY where HeyGen rejected heygen:apiKey and accepted it. */
export function settings(): Settings {
    const s = configured();
    if (memory.keys.fallbackFor === settingsId(s) && s.fallbackKey) return { apiKey: s.fallbackKey, baseUrl: s.baseUrl, keySource: "HEYGEN_API_KEY" };
    return s;
}

/** What to tell a user whose key HeyGen rejected, by where it came from. */
export function rejectedKeyMessage(s: Pick<Settings, "keySource" | "baseUrl" | "fallbackKey">): string {
    const at = `(HTTP 401 at ${s.baseUrl})`;
    if (s.keySource === "heygen:apiKey") {
        return (
            `HeyGen rejected the API key from heygen:apiKey ${at}${s.fallbackKey ? ", and the one in HEYGEN_API_KEY too" : ""}. ` +
            "`pulumi refresh` and `pulumi destroy` use the key saved in this stack's state by the last `pulumi up`. " +
            "After rotating the key: `pulumi config set --secret heygen:apiKey <new key>`, then `pulumi up` (which saves it), " +
            "or `pulumi refresh --run-program` / `pulumi destroy --run-program`; or run them with HEYGEN_API_KEY=<new key>, " +
            "which is used when the saved key is rejected. Check heygen:baseUrl / HEYGEN_API_BASE too"
        );
    }
    return `HeyGen rejected the API key from ${s.keySource} ${at}: check the key, or heygen:baseUrl / HEYGEN_API_BASE`;
}


/** The process's client for the key in use, rebuilt only if the settings change. */
export function client(): HeyGenClient {
    const s = settings();
    if (!s.apiKey) throw new ConfigurationError(MISSING_KEY);
    const problem = processConfigProblem(s);
    if (problem) throw new ConfigurationError(problem);
    const id = `${settingsId(s)} ${hash(s.apiKey)} ${debugFromEnv(process.env).http}`;
    if (memory.keys.client?.id !== id) memory.keys.client = { id, client: newClient(s.apiKey, s.baseUrl) };
    return memory.keys.client.client;
}

/** The settings as configured (not which key ends up used): keys are hashed, never kept in clear. */
const settingsId = (s: Settings) => `${s.baseUrl} ${s.apiKey ? hash(s.apiKey) : "-"} ${s.fallbackKey ? hash(s.fallbackKey) : "-"}`;

/** HeyGen rejected the key: the error itself, or what a handler wrapped (`cause`). */
export function isAuthError(e: unknown): boolean {
    for (let x = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) {
        if (x instanceof AuthenticationError || (x instanceof HeyGenError && x.status === 401)) return true;
    }
    return false;
}

/**
 * Checks once per process that the key is present and accepted (GET /v3/users/me), so a wrong key fails
 * at preview with a clear message rather than halfway through `up`. When HeyGen rejects heygen:apiKey and
 * HEYGEN_API_KEY holds another key that it accepts, that one is used from then on (with a warning).
 */
export function verifyKey(): Promise<void> {
    const s = configured();
    if (memory.keys.check?.id !== settingsId(s)) {
        const id = settingsId(s);
        const done = (async () => {
            if (!s.apiKey) throw new ConfigurationError(MISSING_KEY);
            const problem = processConfigProblem(s);
            if (problem) throw new ConfigurationError(problem);
            if (await accepted(s.apiKey, s.baseUrl)) return;
            if (s.fallbackKey && (await accepted(s.fallbackKey, s.baseUrl))) {
                memory.keys.fallbackFor = id;
                console.error(
                    "heygen: HeyGen rejected heygen:apiKey (from the stack config, or saved in state by the last `up`); using HEYGEN_API_KEY. " +
                    "Update the stack: `pulumi config set --secret heygen:apiKey <new key>` (or `pulumi config rm heygen:apiKey`), then `pulumi up`",
                );
                return;
            }
            throw new ConfigurationError(rejectedKeyMessage(s));
        })();
        // A failure stays cached too: these settings will not start working within this process.
        done.catch(() => undefined);
        memory.keys.check = { id, done };
    }
    return memory.keys.check.done;
}

/**
 * The key check of a run that runs the program (`preview`, `up`): what the stack config holds is saved in
 * state by `up`, and `refresh` and `destroy` use it from there. So heygen:apiKey itself must be accepted:
 * HEYGEN_API_KEY standing in for a rejected heygen:apiKey (which `verifyKey` allows, for those two
 * commands) would let `up` save the rejected key.
 */
export async function verifyKeyToStore(): Promise<void> {
    await verifyKey();
    const s = configured();
    if (memory.keys.fallbackFor === settingsId(s)) {
        throw new ConfigurationError(
            `HeyGen rejected the API key in heygen:apiKey (HTTP 401 at ${s.baseUrl}); HEYGEN_API_KEY is accepted, but \`pulumi up\` would save ` +
                "the rejected heygen:apiKey with the stack, and `pulumi refresh` and `pulumi destroy` would use it. Set the new key: " +
                "`pulumi config set --secret heygen:apiKey <new key>`, or remove it (`pulumi config rm heygen:apiKey`) to use HEYGEN_API_KEY alone",
        );
    }
}

async function accepted(apiKey: string, baseUrl: string): Promise<boolean> {
    try {
        await newClient(apiKey, baseUrl).me();
        return true;
    } catch (e) {
        if (isAuthError(e)) return false;
        throw e;
    }
}

/**
 * Runs a handler that talks to HeyGen. A 401 there (refresh or destroy with the key saved in state, now
 * rotated) becomes the message that says what to do, or, when HEYGEN_API_KEY holds a key HeyGen accepts,
 * the handler runs again with it: nothing was done with a rejected key, so running again is safe.
 */
export async function withKeyRecovery<T>(fn: () => Promise<T>): Promise<T> {
    const used = settings().apiKey;
    try {
        return await fn();
    } catch (e) {
        if (!isAuthError(e)) throw e;
        // Handlers run in parallel: the first 401 checks the keys again, the others wait for that check.
        if (settings().apiKey === used) {
            const id = `${settingsId(configured())} ${used ? hash(used) : "-"}`;
            if (memory.keys.recheck?.id !== id) {
                memory.keys.check = undefined;
                memory.keys.recheck = { id, done: verifyKey() };
            }
            await memory.keys.recheck.done; // throws the message when no key works
        }
        if (settings().apiKey === used) throw e; // the key is accepted now: not a key problem to explain
        return fn();
    }
}

/** A short digest that names a key without holding it; remembered, since every handler call asks. */
function hash(s: string): string {
    const digests = memory.keys.digests;
    let h = digests.get(s);
    if (h === undefined) {
        if (digests.size >= 8) digests.clear();
        h = crypto.createHash("sha256").update(s).digest("hex").slice(0, 12);
        digests.set(s, h);
    }
    return h;
}
