// The team rules of pulumi-heygen's policy pack, each decided by a pure function on plain data (what the
// engine tells a policy pack about a resource), so each is tested as a table. The glue to @pulumi/policy
// is in ./index.ts. Every message names the resource, what is wrong and what to change.

/** What the engine reports of a pulumi-heygen resource. */
export interface HeyGenObject {
    urn: string;
    /** `AvatarGroup`, `PhotoLook`, `DigitalTwinLook`, `PromptLook` or `ConsentRequest`. */
    kind: HeyGenKind;
    /** The Pulumi resource name (the URN's last part). */
    name: string;
    /** Its inputs (and, for resources the stack already has, outputs); unknown values as UNKNOWN. */
    props: Record<string, unknown>;
    /** The URNs of the resources its `groupId` input comes from (its property dependencies). */
    groupFrom: string[];
}

export const KINDS = ["AvatarGroup", "PhotoLook", "DigitalTwinLook", "PromptLook", "ConsentRequest"] as const;
export type HeyGenKind = (typeof KINDS)[number];
/** A dynamic resource's type token: `pulumi-nodejs:dynamic/heygen:<Kind>` (the class registers module `heygen`). */
const TYPE_PREFIX = "pulumi-nodejs:dynamic/heygen:";
/** How the engine passes a value not known until `up` (the SDK's `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The kind of a resource type token, or undefined for anything that is not pulumi-heygen's. */
export function kindOfType(type: string): HeyGenKind | undefined {
    if (!type.startsWith(TYPE_PREFIX)) return undefined;
    const k = type.slice(TYPE_PREFIX.length);
    return (KINDS as readonly string[]).includes(k) ? (k as HeyGenKind) : undefined;
}

const known = (v: unknown): v is string => typeof v === "string" && v !== "" && v !== UNKNOWN;
const isLook = (k: HeyGenKind) => k === "PhotoLook" || k === "DigitalTwinLook" || k === "PromptLook";
const firstLookOf = (o: HeyGenObject) => (o.props.firstLook && typeof o.props.firstLook === "object" ? o.props.firstLook as Record<string, unknown> : {});
const label = (o: HeyGenObject) => `${o.kind} "${o.name}"`;

/**
 * The keys that identify the group an object belongs to (a group: itself). A group is known by its URN
 * and, once created, its id; a look or consent request by its `groupId` when known, else by what that
 * `groupId` comes from (a group, or a look whose `groupId` output it took). Two objects are in the same
 * group when their keys meet.
 */
export function groupKeys(o: HeyGenObject, byUrn: ReadonlyMap<string, HeyGenObject>, seen = new Set<string>()): Set<string> {
    const keys = new Set<string>();
    if (seen.has(o.urn)) return keys;
    seen.add(o.urn);
    if (o.kind === "AvatarGroup") {
        keys.add(`urn:${o.urn}`);
        if (known(o.props.groupId)) keys.add(`id:${o.props.groupId}`);
        return keys;
    }
    if (known(o.props.groupId)) keys.add(`id:${o.props.groupId}`);
    for (const urn of o.groupFrom) {
        const from = byUrn.get(urn);
        if (from) for (const k of groupKeys(from, byUrn, seen)) keys.add(k);
    }
    return keys;
}

const meets = (a: Set<string>, b: Set<string>) => [...a].some((k) => b.has(k));

/** Rule: every digital twin (a DigitalTwinLook, or a group whose first look is one) has a ConsentRequest for its group in the stack. */
export function twinsWithoutConsent(objects: readonly HeyGenObject[]): string[] {
    const byUrn = new Map(objects.map((o) => [o.urn, o]));
    const consents = objects.filter((o) => o.kind === "ConsentRequest").map((o) => groupKeys(o, byUrn));
    const twins = objects.filter((o) => o.kind === "DigitalTwinLook" || (o.kind === "AvatarGroup" && firstLookOf(o).type === "digital_twin"));
    return twins.filter((t) => !consents.some((c) => meets(c, groupKeys(t, byUrn)))).map((t) => {
        const source = t.kind === "AvatarGroup" ? `${t.name}.groupId` : `${t.name}.groupId (the twin's, so that consent is asked once it exists)`;
        return `${label(t)} is a digital twin with no ConsentRequest for its group in this stack: HeyGen trains it only after the person consents. ` +
            `Add \`new heygen.ConsentRequest("${t.name}-consent", { groupId: ${source} })\`.`;
    });
}

/** Rule: `forceDestroy` is refused on the stacks a team names (e.g. prod). */
export function forceDestroyRefused(o: HeyGenObject, stack: string, stacks: readonly string[]): string | undefined {
    if (o.kind === "ConsentRequest" || o.props.forceDestroy !== true || !stacks.includes(stack)) return undefined;
    const what = o.kind === "AvatarGroup" ? "deletes the group with every look in it, including looks this stack does not manage"
        : "deletes the look's group with it when it is the group's last look";
    return `${label(o)} sets forceDestroy on stack "${stack}", where the team refuses it (it ${what}). ` +
        `Remove \`forceDestroy: true\` (or set it to false) and run \`pulumi up\`; delete groups in ${stack} by removing their looks first.`;
}

/**
 * Rule: an adopted resource (`adoptGroupId`, `adoptLookId`) sets `retainOnDelete`, so that removing it
 * from the program, or `pulumi destroy`, leaves the avatar this stack did not create. A policy pack cannot
 * see resource options (the engine does not pass `retainOnDelete` to policies, nor hidden `__` inputs), so
 * the resource classes also pass the option as an input of the same name.
 */
export function adoptedNotRetained(o: HeyGenObject): string | undefined {
    const adoptKey = o.kind === "AvatarGroup" ? "adoptGroupId" : isLook(o.kind) ? "adoptLookId" : undefined;
    const adopted = adoptKey ? o.props[adoptKey] : undefined;
    if (!adoptKey || adopted === undefined || adopted === null || adopted === "" || o.props.retainOnDelete === true) return undefined;
    const id = known(adopted) ? ` ${adopted}` : "";
    return `${label(o)} adopts an existing ${o.kind === "AvatarGroup" ? "group" : "look"}${id} (${adoptKey}) but does not set retainOnDelete: ` +
        `\`pulumi destroy\` would delete an avatar this stack did not create. Pass \`{ retainOnDelete: true }\` in its resource options.`;
}

/** The HeyGen names a resource declares, with the input each comes from. */
function declaredNames(o: HeyGenObject): { input: string; value: string }[] {
    const out: { input: string; value: string }[] = [];
    if (o.kind === "ConsentRequest") return out;
    if (known(o.props.name)) out.push({ input: "name", value: o.props.name });
    if (o.kind === "AvatarGroup" && known(firstLookOf(o).name)) out.push({ input: "firstLook.name", value: firstLookOf(o).name as string });
    return out;
}

/** Pure: the pattern a team gives, or why it is not a valid regular expression. */
export function parsePattern(pattern: string): RegExp | string {
    try {
        return new RegExp(pattern, "u");
    } catch (e) {
        return `heygen-name-pattern: "pattern" is not a valid regular expression (${(e as Error).message}): fix it in the policy pack config`;
    }
}

/** Rule: the names of groups and looks (as HeyGen shows them) match the team's pattern. */
export function namesNotMatching(o: HeyGenObject, pattern: RegExp, hint?: string): string[] {
    return declaredNames(o).filter((n) => !pattern.test(n.value)).map((n) =>
        `${label(o)}: ${n.input} "${n.value}" does not follow the team's naming pattern ${pattern.source}` +
        `${hint ? ` (${hint})` : ""}. Rename it in the program (a photo or digital twin look is renamed in place; a group or prompt look is replaced).`);
}

/** Rule: at most `max` looks per group, the group's first look included. */
export function groupsOverLookLimit(objects: readonly HeyGenObject[], max: number): string[] {
    const byUrn = new Map(objects.map((o) => [o.urn, o]));
    const looks = objects.filter((o) => isLook(o.kind)).map((o) => ({ o, keys: groupKeys(o, byUrn) }));
    const out: string[] = [];
    const counted = new Set<HeyGenObject>();
    for (const g of objects.filter((o) => o.kind === "AvatarGroup")) {
        const keys = groupKeys(g, byUrn);
        const members = looks.filter((l) => meets(l.keys, keys));
        members.forEach((m) => counted.add(m.o));
        const n = 1 + members.length;
        if (n > max) out.push(tooMany(`${label(g)} ("${String(g.props.name)}")`, n, max, members.map((m) => m.o.name)));
    }
    // Looks joining a group this stack does not declare (an adopted or web-made group), by its id.
    const elsewhere = new Map<string, HeyGenObject[]>();
    for (const l of looks) {
        if (counted.has(l.o) || !known(l.o.props.groupId)) continue;
        elsewhere.set(l.o.props.groupId, [...(elsewhere.get(l.o.props.groupId) ?? []), l.o]);
    }
    for (const [id, ls] of elsewhere) {
        if (ls.length > max) out.push(tooMany(`group ${id}`, ls.length, max, ls.map((l) => l.name)));
    }
    return out;
}

function tooMany(what: string, n: number, max: number, looks: string[]): string {
    return `${what} has ${n} looks in this stack, more than the team's limit of ${max} (looks: ${looks.join(", ") || "the first look"}). ` +
        `Remove ${n - max} of them from the program, or raise maxLooks in the policy pack config.`;
}
