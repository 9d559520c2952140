// The estate's shape in stack config, and its validation: pure, so a bad Pulumi.<stack>.yaml gets every
// problem listed with its path and a fix before anything is planned.
import type * as heygen from "pulumi-heygen";

export type LookSpec =
    | { type: "photo"; key?: string; name: string; image: heygen.ImageSource; waitFor?: heygen.LookWait }
    | { type: "digital_twin"; key?: string; name: string; footage: heygen.VideoSource; waitFor?: heygen.LookWait }
    | { type: "prompt"; key?: string; name: string; prompt: string; referenceImages?: heygen.ImageSource[]; waitFor?: heygen.LookWait };

export interface CharacterSpec {
    /** Resource names derive from it (default: the name, lowercased). Keep it stable: it is the identity in state. */
    key?: string;
    name: string;
    /** The look the group is born with. */
    firstLook: LookSpec;
    /** More looks in the same group. */
    looks?: LookSpec[];
    /** Ask the person filmed for consent (needed by digital twins). */
    consent?: { rerouteUrl?: string; waitFor?: heygen.ConsentWait };
}

export interface Estate {
    characters: (CharacterSpec & { key: string; looks: (LookSpec & { key: string })[] })[];
}

const TYPES = ["photo", "digital_twin", "prompt"];
export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "x";

/** Validates `characters` from stack config; throws one error listing every problem. */
export function parseEstate(characters: unknown): Estate {
    const problems: string[] = [];
    if (!Array.isArray(characters) || characters.length === 0) {
        throw new Error("config heygen-estate:characters must be a non-empty list of characters (see Pulumi.dev.yaml)");
    }
    const keys = new Set<string>();
    const out: Estate["characters"] = [];
    characters.forEach((c: any, i) => {
        const at = `characters[${i}]`;
        if (!c || typeof c !== "object") return problems.push(`${at} must be an object with name and firstLook`);
        if (typeof c.name !== "string" || !c.name.trim()) problems.push(`${at}.name is required`);
        const key = typeof c.key === "string" ? c.key : slug(String(c.name ?? i));
        if (keys.has(key)) problems.push(`${at}.key '${key}' is used twice: give each character a distinct key`);
        keys.add(key);
        const checkLook = (l: any, where: string) => {
            if (!l || typeof l !== "object") return problems.push(`${where} must be an object with type and name`);
            if (!TYPES.includes(l.type)) problems.push(`${where}.type must be one of ${TYPES.join(", ")}, not '${l.type}'`);
            if (where.endsWith("firstLook") ? l.name !== undefined && typeof l.name !== "string" : typeof l.name !== "string") {
                problems.push(`${where}.name is required`);
            }
            if (l.type === "photo" && !l.image) problems.push(`${where}.image is required for a photo look`);
            if (l.type === "digital_twin" && !l.footage) problems.push(`${where}.footage is required for a digital twin`);
            if (l.type === "prompt" && !l.prompt) problems.push(`${where}.prompt is required for a prompt look`);
        };
        checkLook(c.firstLook, `${at}.firstLook`);
        const looks = Array.isArray(c.looks) ? c.looks : c.looks === undefined ? [] : (problems.push(`${at}.looks must be a list`), []);
        const lookKeys = new Set<string>();
        looks.forEach((l: any, j: number) => {
            checkLook(l, `${at}.looks[${j}]`);
            const k = typeof l?.key === "string" ? l.key : slug(String(l?.name ?? j));
            if (lookKeys.has(k)) problems.push(`${at}.looks[${j}] has the same key '${k}' as another look: set key`);
            lookKeys.add(k);
        });
        const twins = [c.firstLook, ...looks].some((l: any) => l?.type === "digital_twin");
        if (twins && !c.consent) problems.push(`${at} has a digital twin but no consent: add consent: {} (with rerouteUrl if you like)`);
        out.push({ ...c, key, looks: looks.map((l: any, j: number) => ({ ...l, key: typeof l?.key === "string" ? l.key : slug(String(l?.name ?? j)) })) });
    });
    if (problems.length) throw new Error(`config heygen-estate:characters has ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`);
    return { characters: out };
}
