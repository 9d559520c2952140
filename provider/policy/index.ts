// `pulumi-heygen/policy`: the team rules as a Pulumi policy pack (@pulumi/policy). The package ships a
// ready pack (`node_modules/pulumi-heygen/policy-pack`, for `pulumi preview --policy-pack`); a team with
// a pack of its own adds `heygenPolicies()` to it. Each rule's decision is a pure function in ./rules.ts.
//
// Rules, and how a team sets them (`--policy-pack-config <file>.json`, keyed by policy name):
//   heygen-twin-consent        on; every digital twin has a ConsentRequest for its group in the stack
//   heygen-no-force-destroy    on; `stacks` (default ["prod"]): where forceDestroy is refused
//   heygen-adopt-retain        on; adopted groups and looks set retainOnDelete
//   heygen-name-pattern        on once `pattern` is given (a regular expression; `hint` says it in words)
//   heygen-max-looks           on once `maxLooks` is given: at most that many looks per group
// Any rule can be turned off ("disabled") or made a warning ("advisory") by its enforcementLevel.
import type { EnforcementLevel, PolicyPack, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { UNKNOWN, adoptedNotRetained, forceDestroyRefused, groupsOverLookLimit, type HeyGenObject, kindOfType, namesNotMatching, parsePattern, twinsWithoutConsent } from "./rules";

export * as rules from "./rules";

export const POLICY_NAMES = {
    twinConsent: "heygen-twin-consent",
    noForceDestroy: "heygen-no-force-destroy",
    adoptRetain: "heygen-adopt-retain",
    namePattern: "heygen-name-pattern",
    maxLooks: "heygen-max-looks",
} as const;

export interface HeyGenPolicyOptions {
    /** The enforcement level of every rule (default "mandatory": a violation stops `preview` and `up`). */
    enforcementLevel?: EnforcementLevel;
    /** Defaults for the rules' settings, which the policy pack config overrides. */
    forceDestroyStacks?: string[];
    namePattern?: string;
    namePatternHint?: string;
    maxLooks?: number;
}

/** The stack the pack runs for: set by the language host from the engine's ConfigureStack (both Pulumi's and ours). */
const currentStack = () => process.env.PULUMI_NODEJS_STACK ?? "";

/**
 * The properties the rules read, as plain data. During a preview @pulumi/policy throws when a policy
 * touches a value not known yet (a new group's id); here such a value becomes UNKNOWN, which every rule
 * handles (a look's group is then found through what its groupId comes from).
 */
function plainProps(props: Record<string, unknown>): Record<string, unknown> {
    const read = (f: () => unknown) => {
        try {
            return f();
        } catch {
            return UNKNOWN;
        }
    };
    const out: Record<string, unknown> = {};
    for (const k of ["name", "groupId", "forceDestroy", "adoptGroupId", "adoptLookId", "retainOnDelete"]) {
        const v = read(() => props[k]);
        if (v !== undefined) out[k] = v;
    }
    const fl = read(() => props.firstLook);
    if (fl === UNKNOWN) out.firstLook = { type: UNKNOWN, name: UNKNOWN };
    else if (fl && typeof fl === "object") out.firstLook = { type: read(() => (fl as any).type), name: read(() => (fl as any).name) };
    return out;
}

function toObject(r: { type: string; urn: string; name: string; props: Record<string, unknown>; propertyDependencies?: Record<string, PolicyResource[]> }): HeyGenObject | undefined {
    const kind = kindOfType(r.type);
    if (!kind) return undefined;
    return { urn: r.urn, kind, name: r.name, props: plainProps(r.props), groupFrom: (r.propertyDependencies?.groupId ?? []).map((d) => d.urn) };
}

/** The rules as @pulumi/policy policies, to put in a policy pack of your own. */
export function heygenPolicies(o: HeyGenPolicyOptions = {}): (ResourceValidationPolicy | StackValidationPolicy)[] {
    const enforcementLevel = o.enforcementLevel ?? "mandatory";
    return [
        {
            name: POLICY_NAMES.twinConsent,
            description: "Every digital twin has a ConsentRequest for its group in the same stack.",
            enforcementLevel,
            validateStack: (args, reportViolation) => {
                const objects = args.resources.map(toObject).filter((x): x is HeyGenObject => !!x);
                for (const m of twinsWithoutConsent(objects)) reportViolation(m);
            },
        },
        {
            name: POLICY_NAMES.noForceDestroy,
            description: "forceDestroy is refused on the stacks the team names.",
            enforcementLevel,
            configSchema: { properties: { stacks: { type: "array", items: { type: "string" }, default: o.forceDestroyStacks ?? ["prod"] } } },
            validateResource: (args, reportViolation) => {
                const obj = toObject(args);
                const m = obj && forceDestroyRefused(obj, currentStack(), args.getConfig<{ stacks: string[] }>().stacks ?? []);
                if (m) reportViolation(m);
            },
        },
        {
            name: POLICY_NAMES.adoptRetain,
            description: "Adopted groups and looks (adoptGroupId, adoptLookId) set retainOnDelete.",
            enforcementLevel,
            validateResource: (args, reportViolation) => {
                const obj = toObject(args);
                const m = obj && adoptedNotRetained(obj);
                if (m) reportViolation(m);
            },
        },
        {
            name: POLICY_NAMES.namePattern,
            description: "Group and look names follow the team's pattern (a regular expression; no pattern, no check).",
            enforcementLevel,
            configSchema: { properties: { pattern: { type: "string", default: o.namePattern ?? "" }, hint: { type: "string", default: o.namePatternHint ?? "" } } },
            validateResource: (args, reportViolation) => {
                const { pattern, hint } = args.getConfig<{ pattern: string; hint: string }>();
                const obj = pattern ? toObject(args) : undefined;
                if (!obj) return;
                const re = parsePattern(pattern);
                if (typeof re === "string") return reportViolation(re);
                for (const m of namesNotMatching(obj, re, hint || undefined)) reportViolation(m);
            },
        },
        {
            name: POLICY_NAMES.maxLooks,
            description: "At most maxLooks looks per group, its first look included (no maxLooks, no check).",
            enforcementLevel,
            configSchema: { properties: { maxLooks: { type: "integer", minimum: 1, ...(o.maxLooks ? { default: o.maxLooks } : {}) } } },
            validateStack: (args, reportViolation) => {
                const { maxLooks } = args.getConfig<{ maxLooks?: number }>();
                if (!maxLooks) return;
                const objects = args.resources.map(toObject).filter((x): x is HeyGenObject => !!x);
                for (const m of groupsOverLookLimit(objects, maxLooks)) reportViolation(m);
            },
        },
    ];
}

/** A policy pack of these rules alone (what `policy-pack/` in this package runs). */
export function heygenPolicyPack(name = "pulumi-heygen", o: HeyGenPolicyOptions = {}): PolicyPack {
    return new (policySdk().PolicyPack)(name, { policies: heygenPolicies(o) });
}

/** @pulumi/policy, an optional peer of this package: loaded only here, with what to do when it is missing. */
function policySdk(): typeof import("@pulumi/policy") {
    try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        return require("@pulumi/policy");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw e;
        throw new Error("pulumi-heygen/policy needs @pulumi/policy: run `npm install --save-dev @pulumi/policy@^1.21.0` in your project, then run the policy pack again");
    }
}
