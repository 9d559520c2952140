// The one place the provider's configuration is decided. The dynamic-provider process calls `configure`
// with the stack config (secrets decrypted); environment variables are the fallback. Nothing here is
// ever captured into `__provider` or written to state: the shim forwards the config to this module.
import { AuthenticationError, DEFAULT_BASE_URL, HeyGenClient, type ClientOptions, type Timeouts } from "./client";

export interface Settings {
    apiKey?: string;
    baseUrl: string;
    /** Where the key came from, for messages (never the key itself). */
    keySource: "heygen:apiKey" | "HEYGEN_API_KEY" | "none";
}

type Lookup = (key: string) => string | undefined;

let fromConfig: Lookup = () => undefined;

/** Called by the shim's `configure` with the stack configuration. */
export function configure(get: Lookup): void {
    // Called once per resource kind with the same config: the client and key check are keyed by the
    // settings themselves, so nothing is redone unless the settings differ.
    fromConfig = get;
}

/** Pure: stack config wins over the environment; the base URL defaults to HeyGen's. */
export function resolveSettings(get: Lookup, env: NodeJS.ProcessEnv): Settings {
    const configKey = get("heygen:apiKey");
    const apiKey = configKey || env.HEYGEN_API_KEY || undefined;
    const baseUrl = (get("heygen:baseUrl") || env.HEYGEN_API_BASE || DEFAULT_BASE_URL).replace(/\/+$/, "");
    return { apiKey, baseUrl, keySource: configKey ? "heygen:apiKey" : env.HEYGEN_API_KEY ? "HEYGEN_API_KEY" : "none" };
}

export function settings(): Settings {
    return resolveSettings(fromConfig, process.env);
}

/** What to tell a user with no key. */
export const MISSING_KEY =
    "no HeyGen API key is configured: run `pulumi config set --secret heygen:apiKey <key>` or set HEYGEN_API_KEY " +
    "(for the local emulator, the key is `emulator-key`)";

/** The variable that shortens (or lengthens) the wait for a create or another write to answer. */
export const WRITE_TIMEOUT_VAR = "HEYGEN_WRITE_TIMEOUT_SECONDS";

/**
 * Pure: timeouts that differ from the client's defaults, from the environment. Only the write timeout
 * (creates, renames, deletes; default 120 s) is exposed: a create slower than it is the case the chaos
 * tests and a slow network need, and the provider must cope with it either way.
 */
export function timeoutsFromEnv(env: NodeJS.ProcessEnv): Partial<Timeouts> {
    const raw = env[WRITE_TIMEOUT_VAR];
    if (raw === undefined || raw.trim() === "") return {};
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new Error(`${WRITE_TIMEOUT_VAR} must be a number of seconds greater than 0 (e.g. 120), not '${raw}'`);
    }
    return { writeMs: Math.round(seconds * 1000) };
}

let cachedClient: { key: string; client: HeyGenClient } | undefined;

/** The process's client, rebuilt only if the settings change. */
export function client(extra: Partial<ClientOptions> = {}): HeyGenClient {
    const s = settings();
    if (!s.apiKey) throw new Error(MISSING_KEY);
    const id = settingsId(s);
    if (!cachedClient || cachedClient.key !== id) {
        cachedClient = {
            key: id,
            client: new HeyGenClient({
                apiKey: s.apiKey,
                baseUrl: s.baseUrl,
                userAgent: `pulumi-heygen/${version()}`,
                timeouts: timeoutsFromEnv(process.env),
                onRetry: ({ operation, attempt, delayMs, reason }) =>
                    console.error(`heygen: retrying ${operation} (attempt ${attempt + 1}) in ${Math.round(delayMs)} ms: ${reason}`),
                ...extra,
            }),
        };
    }
    return cachedClient.client;
}

const settingsId = (s: Settings) => `${s.baseUrl} ${s.apiKey ? hash(s.apiKey) : "-"}`;

let keyCheck: { id: string; done: Promise<void> } | undefined;

/**
 * Checks once per process that the key is present and accepted (GET /v3/users/me), so a wrong key fails
 * at preview with a clear message rather than halfway through `up`.
 */
export function verifyKey(): Promise<void> {
    const s = settings();
    if (!keyCheck || keyCheck.id !== settingsId(s)) {
        const done = (async () => {
            if (!s.apiKey) throw new Error(MISSING_KEY);
            try {
                await client().me();
            } catch (e) {
                if (e instanceof AuthenticationError) {
                    throw new Error(`HeyGen rejected the API key from ${s.keySource} (HTTP 401 at ${s.baseUrl}): check the key, or heygen:baseUrl / HEYGEN_API_BASE`);
                }
                throw e;
            }
        })();
        // A failure stays cached too: these settings will not start working within this process.
        done.catch(() => undefined);
        keyCheck = { id: settingsId(s), done };
    }
    return keyCheck.done;
}

function hash(s: string): string {
    return require("crypto").createHash("sha256").update(s).digest("hex").slice(0, 12);
}

function version(): string {
    try {
        return require("../../package.json").version;
    } catch {
        return "dev";
    }
}
