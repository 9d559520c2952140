// What the serialized shim calls in the provider process: `configure` once, then each kind's handlers.
import type * as pulumi from "@pulumi/pulumi";
import { configure as configureSettings, withKeyRecovery } from "./config";
import { noteCheck, noteDiff, noteId } from "./resources/createOnce";
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
    // A rejected key (a rotated one saved in state) gets a message saying what to do, or HEYGEN_API_KEY.
    return withKeyRecovery(async () => {
        try {
            return carryUrn(method, a, await (handlers(provider.kind)[method] as (...x: unknown[]) => unknown)(...a));
        } catch (e) {
            if (e instanceof PartialCreateError) carryUrn(method, a, { outs: e.properties });
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
