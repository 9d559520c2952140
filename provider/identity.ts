// A resource's identity, set by each resource class as the hidden input `__identity` (inputs whose name
// starts with `__` are not shown by the engine): `<project>/<stack>/heygen:<Type>/<name>`, with the types
// of its parents before `heygen:<Type>` (`$`-joined, as in a URN) when it has parents other than the stack.
// The dynamic provider's `create` is not told the resource's URN; this stands in for it, so a create's
// Idempotency-Key and its journal entry can be derived from who is being created (resources/createOnce.ts).
// Like a URN it is unique in a stack: a `casual` look at the top and one under a component are two. About
// 60 bytes of state per resource.
import * as pulumi from "@pulumi/pulumi";

export function identity(type: string, name: string, opts?: pulumi.ResourceOptions): string {
    return formatIdentity(pulumi.getProject(), pulumi.getStack(), parentTypes(opts) ?? [], type, name);
}

/**
 * Pure: the identity from its parts. A top-level resource's is the same as before parents counted (state
 * and journal entries written by 0.1.0 keep matching).
 */
export function formatIdentity(project: string, stack: string, parentTypes: readonly string[], type: string, name: string): string {
    return `${project}/${stack}/${[...parentTypes, `heygen:${type}`].join("$")}/${name}`;
}

/** The root resource: a resource parented to it has no parent type in its URN. */
const STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Pure: a URN as the engine forms it (`urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>`),
 * given the types of the parents from the outermost down (the stack excluded).
 */
export function formatUrn(stack: string, project: string, parentTypes: readonly string[], type: string, name: string): string {
    return `urn:pulumi:${stack}::${project}::${[...parentTypes, type].join("$")}::${name}`;
}

/**
 * The URN the engine will give a resource being constructed, for the hidden input `__urn`: the dynamic
 * provider host does not tell a provider the URN of the resource it works on (SDK 3.248 to 3.276 at least),
 * and progress messages need it to be shown on that resource's row. The parent chain is read from the
 * parent objects (the SDK keeps each resource's parent; a custom parent's own parents count too).
 * Undefined when it cannot be known for sure: messages then go to the stack's row, as before.
 */
export function resourceUrn(type: string, name: string, opts?: pulumi.ResourceOptions): string | undefined {
    const parents = parentTypes(opts);
    if (!parents) return undefined;
    try {
        return formatUrn(pulumi.getStack(), pulumi.getProject(), parents, `pulumi-nodejs:dynamic/heygen:${type}`, name);
    } catch {
        return undefined;
    }
}

/** The types of a resource's parents from the outermost down, the stack excluded; undefined if unsure. */
function parentTypes(opts?: pulumi.ResourceOptions): string[] | undefined {
    try {
        const parents: string[] = [];
        let p: any = opts?.parent;
        for (let depth = 0; p; depth++) {
            const t = pulumi.resourceType?.(p) ?? p.__pulumiType;
            if (typeof t !== "string" || depth > 100) return undefined;
            if (t === STACK_TYPE) break;
            parents.unshift(t);
            // Internal to the SDK, but kept by every version: the parent's parent (the stack at the top).
            p = p.__parentResource;
        }
        return parents;
    } catch {
        return undefined;
    }
}
