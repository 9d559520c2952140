// Which resource of this stack owns which HeyGen object, as far as this provider process has seen (the
// engine checks and diffs every resource of a run in one process). Two resources managing one object
// would delete it under each other: an adoption of an object another resource owns (its own look, a
// group's first look, another adoption) fails the preview, and so do two looks of one group with one
// name (finding a killed run's look again depends on names being distinct within a group).
//
// Whichever of the two resources the engine reaches second gets the failure: an adoption in `check`, a
// resource already in state in `diff`.
import { memory } from "../memory";
import { isUnknown } from "../values";

/** `<project>/<stack>/<parents$>heygen:<Type>/<name>` (identity.ts) → `PhotoLook "casual"`. Pure. */
export function describeIdentity(identity: string): string {
    const m = /(?:^|[/$])heygen:([A-Za-z]+)\/(.*)$/s.exec(identity);
    return m ? `${m[1]} "${m[2]}"` : identity;
}

/**
 * Notes that `identity` owns `key` (an object id, or `name:<groupId>:<look name>`); answers the identity
 * of another resource that owns it already, if any. Unknown or missing parts own nothing.
 */
export function claim(key: string | undefined, identity: unknown): string | undefined {
    if (!key || isUnknown(key) || typeof identity !== "string" || !identity) return undefined;
    const other = memory.owners.get(key);
    if (other !== undefined && other !== identity) return other;
    memory.owners.set(key, identity);
    return undefined;
}

/** The claim key of a look's name within its group (undefined while either is unknown). */
export function nameKey(groupId: unknown, name: unknown): string | undefined {
    const known = (v: unknown): v is string => typeof v === "string" && v !== "" && !isUnknown(v);
    return known(groupId) && known(name) ? `name:${groupId}:${name}` : undefined;
}
