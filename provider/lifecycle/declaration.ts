// A resource kind declared once: its type, its inputs (each with what a change of it does) and its outputs.
// The registration seed, the inputs `check` keeps, the diff's rules and the lookups' types are derived from
// here, and the tables are typed by the kind's `Args` and `Outputs` interfaces: an input or output missing
// here, or one too many, fails to compile.
import type { DiffRules } from "./common";
import type { ResourceKind } from "../shim";

/**
 * The outputs a class registers with the SDK: every output of `T` but those the class derives itself. A
 * declared output must be among the registered properties to appear on the resource object (pulumi#2931);
 * typed as a complete record, so an output missing here, or one too many, fails to compile.
 */
export type OutputSeed<T, Derived extends keyof T = never> = { [K in Exclude<keyof T, Derived>]-?: undefined };

/** Every key of every member of a union (`keyof` of a union gives only the shared ones). */
export type AllKeys<T> = T extends unknown ? keyof T : never;

/**
 * What a change of an input does:
 * - `replaces`: HeyGen cannot change it in place, so a new object is made;
 * - `updates`: changed in place (an API call, or only recorded: a wait setting, forceDestroy);
 * - `adoption`: matters only when the resource is created (an adoption id);
 * - `decided`: the kind's own diff decides (a name HeyGen cannot change, a nested first look).
 */
export type InputRole = "replaces" | "updates" | "adoption" | "decided";

export type InputTable<Args> = { readonly [K in AllKeys<Args> & string]-?: InputRole };

export interface Declaration<Args, Outs, Derived extends keyof Outs = never> {
    /** The module in `serialized/` that holds its provider object (written into users' state: never renamed). */
    kind: ResourceKind;
    /** The Pulumi type's last part: `heygen:index:<type>` as the program shows it. */
    type: string;
    inputs: InputTable<Args>;
    /** Registered as undefined so that every output appears on the resource object; `Derived` ones the class sets itself. */
    outputs: OutputSeed<Outs, Derived>;
    /** Outputs the engine keeps encrypted in state. */
    secretOutputs?: readonly (keyof Outs & string)[];
}

// `__identity` is kept in state with the inputs so that `read` gives it back: otherwise an update after a
// refresh that found drift would list the hidden input as changed.
const HIDDEN_KEPT = ["__identity"] as const;

/** The inputs `check` keeps and `read` gives back: the declared ones and the hidden identity. */
export function inputNames(d: Declaration<any, any, any>): string[] {
    return [...Object.keys(d.inputs), ...HIDDEN_KEPT];
}

/** Pure: the diff's rules from the table; `views` say how an input compares when not by value (files). */
export function diffRulesOf(d: Declaration<any, any, any>, views?: DiffRules["views"]): DiffRules {
    const by = (role: InputRole) => Object.entries(d.inputs).filter(([, r]) => r === role).map(([k]) => k);
    return { replacing: by("replaces"), updatable: by("updates"), ...(views ? { views } : {}) };
}

/** The outputs' names, for messages and the registration. */
export const outputNames = (d: Declaration<any, any, any>): string[] => Object.keys(d.outputs);
