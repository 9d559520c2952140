// What one provider process remembers between the engine's calls, in one object with one reset. The engine
// starts a provider process per command and calls it for every resource: these are the facts and caches
// that let one call know what an earlier one of the same command learnt. Nothing here outlives the process
// (what must, the journals of creates and uploads, is on disk), and nothing here holds a key in clear.
import type { AvatarLookItem } from "../api/schema";
import type { HeyGenClient } from "./client";
import type { Failure } from "./values";

type Once<T = void> = { id: string; done: Promise<T> };

function fresh() {
    return {
        /** The stack config as `configure` handed it over (secrets decrypted); environment variables are the fallback. */
        config: ((_key: string) => undefined) as (key: string) => string | undefined,
        keys: {
            /** The settings (by their id) whose heygen:apiKey HeyGen rejected and whose HEYGEN_API_KEY is used instead. */
            fallbackFor: undefined as string | undefined,
            /** The client of the key in use, rebuilt only when the settings change. */
            client: undefined as { id: string; client: HeyGenClient } | undefined,
            /** The key's check (GET /v3/users/me), once per settings. */
            check: undefined as Once | undefined,
            /** A second check after a 401 in a handler (a key rotated while the command runs). */
            recheck: undefined as Once | undefined,
            /** Short digests of keys, which name them in the ids above without holding them. */
            digests: new Map<string, string>(),
        },
        /** What this command's creates know (createOnce.ts). */
        run: {
            /** Identities whose resource is in state (`check` got old inputs for them). */
            inState: new Set<string>(),
            /** Identities whose old object `diff` named. */
            diffed: new Set<string>(),
            /** Ids that belong to a resource in this run (read, diffed, created, adopted): never adopted by another. */
            taken: new Set<string>(),
            /** Ids a create of this run handed to the engine: never deleted by this run. */
            created: new Set<string>(),
            /** Creates whose answer was handed over in the last second: taken back if the engine turns out gone. */
            recentlyReturned: [] as { identity: string; before: unknown; at: number }[],
        },
        /** Which resource (identity) owns which object id or group-and-name (owners.ts). */
        owners: new Map<string, string>(),
        /** A refresh's listings of a group's looks (lookReads.ts), dropped by any write. */
        listings: new Map<string, { at: number; looks: Promise<Map<string, AvatarLookItem> | undefined> }>(),
        /** Whether the group a look joins exists and is the account's own, read once per group (preflight.ts). */
        groupChecks: new Map<string, Promise<Failure[]>>(),
        /** Inline (base64) bytes between check and create, by content hash: never on disk (sources.ts). */
        staged: new Map<string, Buffer>(),
        /** Whether the uploads left behind by killed creates were swept this run (uploadedAssets.ts). */
        uploadsSwept: false,
    };
}

export type ProcessMemory = ReturnType<typeof fresh>;

/** The process's memory. Modules read and write its parts; only `forgetProcess` replaces it. */
export const memory: ProcessMemory = fresh();

/**
 * A new provider process, as far as memory goes (tests: each test a fresh process). The configuration
 * stays: the engine configures every provider process of a stack the same.
 */
export function forgetProcess(): void {
    Object.assign(memory, { ...fresh(), config: memory.config });
}
