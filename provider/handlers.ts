// What the serialized shim calls in the provider process: `configure` once, then each kind's handlers.
import type * as pulumi from "@pulumi/pulumi";
import { configure as configureSettings, withKeyRecovery } from "./config";
import { createdThisRun, noteCheck, noteDiff, noteId, noteReturned } from "./resources/createOnce";
import { warn } from "./progress";
import { avatarGroupHandlers } from "./resources/avatarGroup";
import { consentRequestHandlers } from "./resources/consentRequest";
import { digitalTwinKind } from "./resources/digitalTwinLook";
import { lookHandlers } from "./resources/looks";
import { photoKind } from "./resources/photoLook";
import { promptKind } from "./resources/promptLook";
import { PartialCreateError } from "./resources/common";
import type { ResourceKind } from "./shim";

export interface Handlers {
    check(olds: any, news: any): Promise<pulumi.dynamic.CheckResult>;
    diff(id: string, olds: any, news: any): Promise<pulumi.dynamic.DiffResult>;
    create(inputs: any): Promise<pulumi.dynamic.CreateResult>;
    read(id: string, props: any): Promise<pulumi.dynamic.ReadResult>;
    update(id: string, olds: any, news: any): Promise<pulumi.dynamic.UpdateResult>;
    delete(id: string, props: any): Promise<void>;
}

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
                "its create with the object made before). State now holds it once; to get a new object, change an input that replaces it",
            a[1]?.__urn,
        );
    }
    // A rejected key (a rotated one saved in state) gets a message saying what to do, or HEYGEN_API_KEY.
    return withKeyRecovery(async () => {
        try {
            const result = await (handlers(provider.kind)[method] as (...x: unknown[]) => unknown)(...a);
            if (method === "create") noteReturned(a[0]?.__identity, (result as { id?: unknown } | undefined)?.id);
            return carryUrn(method, a, result);
        } catch (e) {
            if (e instanceof PartialCreateError) {
                if (method === "create") noteReturned(a[0]?.__identity, e.id);
                carryUrn(method, a, { outs: e.properties });
            }
            throw e;
        }
    });
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
