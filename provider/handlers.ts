// What the serialized shim calls in the provider process: `configure` once, then each kind's handlers.
import type * as pulumi from "@pulumi/pulumi";
import { ConnectionError, HeyGenError } from "./client";
import { withKeyRecovery } from "./keys";
import { configure as configureSettings } from "./settings";
import { createdThisRun, noteCheck, noteDiff, noteId, noteReturned } from "./lifecycle/createOnce";
import { warn } from "./progress";
import { avatarGroupHandlers } from "./resources/groupLifecycle";
import { consentRequestHandlers } from "./resources/consentRequest";
import { digitalTwinKind } from "./resources/digitalTwinLook";
import { lookHandlers } from "./resources/lookLifecycle";
import { photoKind } from "./resources/photoLook";
import { promptKind } from "./resources/promptLook";
import { PartialCreateError } from "./lifecycle/common";
import type { Handlers } from "./lifecycle/lifecycle";
import type { ResourceKind } from "./shim";

export type { Handlers };

const table: Record<ResourceKind, Handlers> = {
    avatarGroup: avatarGroupHandlers,
    photoLook: lookHandlers(photoKind),
    promptLook: lookHandlers(promptKind),
    digitalTwinLook: lookHandlers(digitalTwinKind),
    consentRequest: consentRequestHandlers,
};

export function handlers(kind: ResourceKind): Handlers {
    const h = table[kind];
    if (!h) throw new Error(`pulumi-heygen: unknown resource kind '${kind}' (state written by a newer version?)`);
    return h;
}

/** The stack config (secrets decrypted) as the dynamic-provider process hands it over. */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
    configureSettings((key) => req.config.get(key));
}

/** The shim's single entry: `method` of the kind's handlers, with the arguments the engine passed. */
export function run(provider: { kind: ResourceKind }, method: keyof Handlers | "configure", args: ArrayLike<unknown>): unknown {
    const a = Array.from(args) as any[];
    if (method === "configure") return configure(a[0]);
    // What creates need to know about this run: which resources are in state, which ids are owned.
    if (method === "check") noteCheck(a[0], a[1]);
    else if (method === "diff") noteDiff(a[0], a[2]);
    else if (method !== "create") noteId(a[0]);
    // The engine deletes a replaced resource after creating its replacement. Should a replacement have come
    // back with the old object itself (a server replaying the first create's answer, on a machine without the
    // journal of creates), deleting it would delete the new resource's object: it is kept, and said so.
    if (method === "delete" && createdThisRun(a[0])) {
        return warn(
            `${String(a[1]?.__identity ?? a[0])}: not deleting ${String(a[0])}: the replacement created in this run is that same object (HeyGen answered ` +
                "its create with the object made before). State now holds it once; to get a new object, run `pulumi up --replace` again from this machine, " +
                "whose journal of creates now knows it",
            a[1]?.__urn,
        );
    }
    // A rejected key (a rotated one saved in state) gets a message saying what to do, or HEYGEN_API_KEY.
    return withKeyRecovery(async () => {
        try {
            const result = await (handlers(provider.kind)[method] as (...x: unknown[]) => unknown)(...a);
            if (method === "create") await noteReturned(a[0]?.__identity, (result as { id?: unknown } | undefined)?.id);
            return carryUrn(method, a, result);
        } catch (e) {
            if (e instanceof PartialCreateError) {
                if (method === "create") await noteReturned(a[0]?.__identity, e.id);
                carryUrn(method, a, { outs: e.properties });
            }
            throw e;
        }
    }).catch((e: unknown) => {
        // Every error leaves here, once: what the engine prints is this message and nothing else.
        throw reported(forEngine(e), method);
    });
}

/**
 * What the engine shows of an error a handler threw: one message that says what failed and what to do,
 * without stack frames (they tell a user nothing, and the engine printed them up to four times).
 * - a HeyGen error as the client threw it gets its operation, status and request id (`describe`);
 * - a failure to reach the API names the setting that says where it is;
 * - a partial create stays itself (its id and properties record the object in state), frames dropped;
 * - an error of the provider's own code (a TypeError: a bug) keeps where it happened, in the one line;
 * - anything else keeps its message, and its `cause` (what HeyGen answered) for whoever reads it.
 * Pure but for blanking the stack of a PartialCreateError, which must stay the same object.
 */
export function forEngine(e: unknown): Error {
    if (e instanceof PartialCreateError) {
        e.stack = "";
        return e;
    }
    if (!(e instanceof Error)) return bare(new Error(`pulumi-heygen: ${String(e)}`));
    let message = e instanceof HeyGenError ? e.describe() : e.message;
    if (e instanceof TypeError || e instanceof ReferenceError || e instanceof RangeError || e instanceof SyntaxError) {
        const at = /\n\s+at (.+)/.exec(e.stack ?? "")?.[1];
        message = `pulumi-heygen failed with ${e.name}: ${e.message}${at ? ` (at ${at})` : ""}. This is a bug in pulumi-heygen: please report it with this message`;
    }
    const unreachable = chain(e).find((x): x is ConnectionError => x instanceof ConnectionError);
    if (unreachable && unreachable.operation !== "PUT upload_url" && !/HEYGEN_API_BASE/.test(message)) {
        message += ". Check the API's address (heygen:baseUrl, or HEYGEN_API_BASE) and the network";
    }
    return bare(new Error(message || e.name, { cause: e }));
}

function bare(e: Error): Error {
    e.stack = "";
    return e;
}

function chain(e: unknown): unknown[] {
    const out: unknown[] = [];
    for (let x = e, depth = 0; x && depth < 5; x = (x as { cause?: unknown }).cause, depth++) out.push(x);
    return out;
}

/**
 * The dynamic-provider host of @pulumi/pulumi logs an error of check, diff, read and delete to stderr
 * (`${error}: ${error.stack}`) besides returning it, and the engine shows that line again under the stack:
 * for the errors this provider throws (already returned to the engine), that echo is dropped. Nothing
 * else written to stderr is touched.
 */
const echoes = new Map<string, number>();
let filtering = false;

function reported(e: Error, method: string): Error {
    if (method === "create" || method === "update") return e; // answered with the error alone, no echo
    const echo = `${e}: ${e.stack}`;
    echoes.set(echo, (echoes.get(echo) ?? 0) + 1);
    if (echoes.size > 1000) echoes.delete(echoes.keys().next().value as string);
    if (!filtering) {
        filtering = true;
        const original = console.error;
        console.error = function (...args: unknown[]) {
            const n = args.length === 1 && typeof args[0] === "string" ? echoes.get(args[0]) : undefined;
            if (n) {
                if (n > 1) echoes.set(args[0] as string, n - 1);
                else echoes.delete(args[0] as string);
                return;
            }
            return original.apply(this, args as []);
        };
    }
    return e;
}

/**
 * The hidden input `__urn` (where progress messages show, see identity.ts) rides along in the outputs, and
 * `read` gives it back with the inputs it rebuilds from them: otherwise a `refresh` would drop it, and the
 * next preview would show a hidden input as changed. Mutates and returns `result`.
 */
export function carryUrn(method: string, args: any[], result: any): any {
    const urn = method === "create" ? args[0]?.__urn : method === "update" ? args[2]?.__urn : method === "read" ? args[1]?.__urn : undefined;
    if (typeof urn !== "string" || !result || typeof result !== "object") return result;
    if ((method === "create" || method === "update") && result.outs && typeof result.outs === "object") result.outs.__urn = urn;
    if (method === "read") {
        if (result.props && typeof result.props === "object") result.props.__urn = urn;
        if (result.inputs && typeof result.inputs === "object") result.inputs.__urn = urn;
    }
    return result;
}
