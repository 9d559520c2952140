// What the engine hands a provider, before any decision: a value not yet known at preview, and a check's
// failure (which input, what is wrong). The lowest floor: everything that checks inputs uses it.

/** How the engine marks a value not yet known at preview (the SDK's `unknownValue` in a dynamic provider's inputs). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

export function containsUnknown(v: unknown): boolean {
    if (isUnknown(v)) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

export interface Failure {
    property: string;
    reason: string;
}
