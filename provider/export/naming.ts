// Names for generated code, pure: a resource's logical name and its variable from an object's name, which
// may be anything HeyGen allows (quotes, backticks, `${`, newlines, emoji, 255 characters). The same list of
// names always gives the same result; a name that repeats gets a numbered suffix in the order given.

/** The longest slug kept (in words cut whole where possible): logical names stay readable in URNs. */
const MAX_SLUG = 48;

/** Words JavaScript reserves (and a few globals a generated program uses), never used as variables. */
const RESERVED = new Set((
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await async of undefined arguments eval heygen pulumi retain"
).split(" "));

/** Kebab-case ASCII words of a name (`Sarah – casual ✨` → `sarah-casual`); empty when it has none. */
export function slug(name: string): string {
    const words = name
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "") // accents off their letters
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2") // camelCase splits into words
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
    let out = "";
    for (const w of words) {
        const next = out ? `${out}-${w}` : w;
        if (next.length > MAX_SLUG) return out || w.slice(0, MAX_SLUG);
        out = next;
    }
    return out;
}

/** A camelCase identifier for a slug (`sarah-casual` → `sarahCasual`); one that starts with a digit gets the fallback in front. */
export function identifier(slugText: string, fallback: string): string {
    const parts = slugText.split("-").filter(Boolean);
    if (parts.length === 0) return fallback;
    let id = parts.map((p, i) => (i === 0 ? p : p[0].toUpperCase() + p.slice(1))).join("");
    if (/^[0-9]/.test(id)) id = fallback + id[0].toUpperCase() + id.slice(1);
    return RESERVED.has(id) ? `${id}${fallback[0].toUpperCase()}${fallback.slice(1)}` : id;
}

export interface Naming {
    /** The resource's logical name (in its URN). */
    logical: string;
    /** The variable the generated code holds it in. */
    variable: string;
}

/**
 * Unique logical names and variables for objects, in the order given: the slug of each name (`fallback`
 * when it has no letters or digits), and `-2`, `-3`, … for a slug already taken (variables likewise `2`, `3`).
 */
export function uniqueNames(items: { name: string; fallback: string }[]): Naming[] {
    const taken = new Set<string>();
    const takenVars = new Set<string>();
    return items.map(({ name, fallback }) => {
        const base = slug(name) || fallback;
        let logical = base;
        for (let n = 2; taken.has(logical); n++) logical = `${base}-${n}`;
        taken.add(logical);
        const varBase = identifier(logical, fallback);
        let variable = varBase;
        for (let n = 2; takenVars.has(variable); n++) variable = `${varBase}${n}`;
        takenVars.add(variable);
        return { logical, variable };
    });
}

/**
 * A string as a TypeScript literal that is valid anywhere, comments included: JSON's escapes, and the two
 * characters JSON leaves raw but JavaScript counts as line ends (U+2028, U+2029) escaped too.
 */
export function literal(text: string): string {
    return JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}
