// What a `pulumi preview --json` means for a HeyGen estate, as pure functions of the preview: which look,
// group or consent request each step touches and how (create, adopt, rename, update, replace, delete),
// what it costs (trainings started) and what it breaks (ids that change). No I/O here: the renderers and
// the command build on this.

/** The engine's sentinel for a value not known until `up`. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface PreviewState {
    urn?: string;
    type?: string;
    id?: string;
    inputs?: Record<string, any>;
    outputs?: Record<string, any>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface PreviewStep {
    op: string;
    urn: string;
    oldState?: PreviewState;
    newState?: PreviewState;
    diffReasons?: string[];
    replaceReasons?: string[];
}

export interface PreviewDiagnostic {
    urn?: string;
    message: string;
    severity: string;
}

export interface PreviewJson {
    steps?: PreviewStep[];
    diagnostics?: PreviewDiagnostic[];
    changeSummary?: Record<string, number>;
}

export type Kind = "AvatarGroup" | "PhotoLook" | "PromptLook" | "DigitalTwinLook" | "ConsentRequest";
const KINDS: Kind[] = ["AvatarGroup", "PhotoLook", "PromptLook", "DigitalTwinLook", "ConsentRequest"];

export type Change = "create" | "adopt" | "rename" | "update" | "replace" | "delete";
export const CHANGES: Change[] = ["create", "adopt", "rename", "update", "replace", "delete"];

/** A file as the state holds it: never bytes (a base64 source keeps only its sha256). */
export type FileRef =
    | { kind: "path"; path: string; sha256?: string; size?: number; mediaType?: string }
    | { kind: "url"; url: string }
    | { kind: "asset"; assetId: string }
    | { kind: "inline"; sha256?: string; mediaType?: string }
    | { kind: "unknown" };

export interface Row {
    urn: string;
    /** The resource's name in the program (from its URN). */
    resource: string;
    kind: Kind;
    change: Change;
    /** The look's name (the first look's for a group), as it will be. */
    name: string;
    /** The group this row belongs to (its URN, or `id:<groupId>`, or "" when unknown). */
    groupKey: string;
    rename?: { from: string; to: string };
    /** Trainings this step starts: each costs credits. */
    trainings: number;
    /** Ids that stop working: `avatar_id`s and group ids. */
    breaks: { what: "avatar_id" | "group id"; id: string; why: string }[];
    /** Properties the engine says changed (replace reasons first). */
    reasons: string[];
    /** The picture it will have (photo looks, photo first looks). */
    image?: FileRef;
    /** The picture it has now, from state: shown for a look replaced, renamed or deleted. */
    currentImageUrl?: string;
    referenceImages?: FileRef[];
    footage?: FileRef;
    prompt?: { old?: string; new?: string };
    notes: string[];
    diagnostics: PreviewDiagnostic[];
}

/** A resource that is not this provider's (another provider, another project's dynamic resource). */
export interface PlainRow {
    urn: string;
    type: string;
    resource: string;
    op: string;
    diagnostics: PreviewDiagnostic[];
}

export interface Group {
    key: string;
    name: string;
    id?: string;
    rows: Row[];
}

export interface Review {
    groups: Group[];
    plain: PlainRow[];
    /** Diagnostics not tied to a resource shown in a row. */
    diagnostics: PreviewDiagnostic[];
    failed: boolean;
    unchanged: number;
    trainings: number;
    counts: Record<Change, number>;
}

export function kindOf(type: string | undefined): Kind | undefined {
    const m = /^pulumi-nodejs:dynamic\/heygen:(\w+)$/.exec(type ?? "");
    return m && (KINDS as string[]).includes(m[1]) ? (m[1] as Kind) : undefined;
}

/** `urn:pulumi:stack::project::type$type::name` → its type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const types = (parts[2] ?? "").split("$");
    return { type: types[types.length - 1] ?? "", name: parts.slice(3).join("::") };
}

export const isUnknown = (v: unknown): boolean => v === UNKNOWN || (typeof v === "string" && v.includes(UNKNOWN));

/** A file input as stored in state. */
export function fileRef(v: unknown): FileRef | undefined {
    if (v === undefined || v === null) return undefined;
    if (isUnknown(v) || typeof v !== "object") return { kind: "unknown" };
    const f = v as Record<string, unknown>;
    if (typeof f.path === "string") return { kind: "path", path: f.path, sha256: str(f.sha256), size: typeof f.size === "number" ? f.size : undefined, mediaType: str(f.mediaType) };
    if (typeof f.url === "string") return { kind: "url", url: f.url };
    if (typeof f.assetId === "string") return { kind: "asset", assetId: f.assetId };
    if (typeof f.sha256 === "string" || f.base64 !== undefined) return { kind: "inline", sha256: str(f.sha256), mediaType: str(f.mediaType) };
    return { kind: "unknown" };
}

const str = (v: unknown) => (typeof v === "string" && !isUnknown(v) ? v : undefined);

/** The engine's op, folded to what it means here (a replacement's three steps are one replace). */
export function changeOf(op: string, adopting: boolean, renamed: boolean): Change | "same" | "other" {
    switch (op) {
        case "create":
        case "import":
            return adopting ? "adopt" : "create";
        case "update":
            return renamed ? "rename" : "update";
        case "replace":
        case "create-replacement":
        case "delete-replaced":
            return "replace";
        case "delete":
        case "discard":
            return "delete";
        case "same":
        case "read":
        case "refresh":
            return "same";
        default:
            return "other";
    }
}

const isLook = (k: Kind) => k === "PhotoLook" || k === "PromptLook" || k === "DigitalTwinLook";

/** Trainings a step starts: a new look (or a group's first look) trains; adoption, renames and deletes do not. */
export function trainingsOf(kind: Kind, change: Change, old?: PreviewState): number {
    if (kind === "ConsentRequest") return 0;
    if (change === "create" || change === "replace") return 1;
    // A first look deleted in HeyGen is made again by the group's update.
    if (kind === "AvatarGroup" && change === "update" && old?.outputs?.firstLookStatus === "deleted") return 1;
    return 0;
}

/** What stops working when the step runs: the ids videos and other programs hold. */
export function breaksOf(kind: Kind, change: Change, old?: PreviewState): Row["breaks"] {
    if ((change !== "replace" && change !== "delete") || !old || kind === "ConsentRequest") return [];
    const why = change === "replace" ? "replaced: it gets a new id at `up`" : "deleted";
    const out: Row["breaks"] = [];
    if (isLook(kind)) {
        const id = str(old.outputs?.lookId) ?? str(old.id);
        if (id) out.push({ what: "avatar_id", id, why });
    } else {
        const firstLook = str(old.outputs?.firstLookId);
        if (firstLook) out.push({ what: "avatar_id", id: firstLook, why: `its group is ${why}` });
        const id = str(old.outputs?.groupId) ?? str(old.id);
        if (id) out.push({ what: "group id", id, why });
    }
    return out;
}

/** The look's name before and after (a group's first look name, defaulting to the group's name). */
export function namesOf(kind: Kind, old?: PreviewState, next?: PreviewState): { from?: string; to?: string } {
    if (kind === "ConsentRequest") return {};
    const nameIn = (s: PreviewState | undefined, outputs: boolean) => {
        const v = outputs ? s?.outputs : s?.inputs;
        if (!v) return undefined;
        if (kind === "AvatarGroup") return outputs ? str(v.firstLookName) ?? str(v.firstLook?.name) ?? str(v.name) : str(v.firstLook?.name) ?? str(v.name);
        return outputs ? str(v.declaredName) ?? str(v.name) : str(v.name);
    };
    return { from: nameIn(old, true) ?? nameIn(old, false), to: nameIn(next, false) };
}

function firstLookOf(s?: PreviewState): Record<string, any> | undefined {
    const f = s?.inputs?.firstLook;
    return f && typeof f === "object" ? f : undefined;
}

/** One of this provider's steps, as a row. */
export function rowOf(step: PreviewStep, kind: Kind, change: Change): Row {
    const old = step.oldState;
    const next = change === "delete" ? undefined : step.newState;
    const names = namesOf(kind, old, next);
    const rename = names.from && names.to && names.from !== names.to && change !== "create" && change !== "adopt" ? { from: names.from, to: names.to } : undefined;
    const src = kind === "AvatarGroup" ? firstLookOf(next) ?? firstLookOf(old) : (next ?? old)?.inputs;
    const oldSrc = kind === "AvatarGroup" ? firstLookOf(old) : old?.inputs;
    const row: Row = {
        urn: step.urn,
        resource: parseUrn(step.urn).name,
        kind,
        change,
        name: names.to ?? names.from ?? (kind === "ConsentRequest" ? "consent request" : parseUrn(step.urn).name),
        groupKey: "",
        rename,
        trainings: trainingsOf(kind, change, old),
        breaks: breaksOf(kind, change, old),
        reasons: [...new Set([...(step.replaceReasons ?? []), ...(step.diffReasons ?? [])])].filter((r) => !r.startsWith("__")),
        notes: [],
        diagnostics: [],
    };
    if (change !== "create" && change !== "adopt") row.currentImageUrl = str(old?.outputs?.previewImageUrl) ?? undefined;
    if (change !== "delete" && src) {
        if (src.image !== undefined) row.image = fileRef(src.image);
        if (Array.isArray(src.referenceImages)) row.referenceImages = src.referenceImages.map((f: unknown) => fileRef(f) ?? { kind: "unknown" });
        else if (isUnknown(src.referenceImages)) row.referenceImages = [{ kind: "unknown" }];
        if (src.footage !== undefined) row.footage = fileRef(src.footage);
    }
    const newPrompt = change === "delete" ? undefined : src?.prompt;
    const oldPrompt = change === "create" || change === "adopt" ? undefined : oldSrc?.prompt;
    if (typeof newPrompt === "string" || typeof oldPrompt === "string") row.prompt = { old: str(oldPrompt), new: str(newPrompt) };
    if (change === "adopt") row.notes.push(`takes over the existing ${kind === "AvatarGroup" ? "group" : "look"} \`${str(next?.inputs?.adoptLookId) ?? str(next?.inputs?.adoptGroupId) ?? "?"}\`: nothing is created, no training`);
    if (kind === "DigitalTwinLook" && row.trainings > 0) row.notes.push("training starts once the person has given consent");
    if (kind === "AvatarGroup" && change === "replace") row.notes.push("the group is made anew with its first look; every look in it is replaced too");
    if (kind === "AvatarGroup" && row.trainings > 0 && change === "update") row.notes.push("its first look was deleted in HeyGen: `up` makes it again");
    if (kind === "ConsentRequest" && (change === "create" || change === "replace")) row.notes.push("the person is asked for consent (a new link; it is a secret output, not shown here)");
    if (rename && change === "replace") row.notes.push("a prompt look cannot be renamed: the new name replaces it");
    return row;
}

/** The group a resource belongs to: through `groupId`'s dependency (a group, or a look whose group it names), else its value. */
export function groupKeyOf(urn: string, byUrn: Map<string, PreviewStep>, groupIds: Map<string, string>, seen = new Set<string>()): string {
    const step = byUrn.get(urn);
    if (!step || seen.has(urn)) return "";
    seen.add(urn);
    const kind = kindOf(parseUrn(urn).type);
    if (kind === "AvatarGroup") return urn;
    const state = step.newState ?? step.oldState;
    for (const dep of state?.propertyDependencies?.groupId ?? []) {
        // An unchanged group is not among the steps without `--show-sames`: its URN still names it.
        if (kindOf(parseUrn(dep).type) === "AvatarGroup") return dep;
        const k = groupKeyOf(dep, byUrn, groupIds, seen);
        if (k) return k;
    }
    const id = str(step.newState?.inputs?.groupId) ?? str(step.oldState?.inputs?.groupId) ?? str(step.oldState?.outputs?.groupId);
    if (id) return groupIds.get(id) ?? `id:${id}`;
    return "";
}

const SKIP_TYPES = /^pulumi:(pulumi:Stack|providers:)/;

/** The whole review of a preview. */
export function review(preview: PreviewJson): Review {
    // Whatever the input holds, a review comes out: odd entries are dropped, not trusted.
    const steps = (Array.isArray(preview.steps) ? preview.steps : [])
        .filter((s) => s && typeof s === "object" && typeof s.urn === "string")
        .map((s) => ({ ...s, op: typeof s.op === "string" ? s.op : "unknown" }));
    // A replacement can show as up to three steps: keep one per URN, the most telling.
    const byUrn = new Map<string, PreviewStep>();
    for (const s of steps) {
        const had = byUrn.get(s.urn);
        if (!had) {
            byUrn.set(s.urn, { ...s });
            continue;
        }
        had.oldState ??= s.oldState;
        had.newState ??= s.newState;
        if (changeOf(s.op, false, false) === "replace") {
            had.op = "replace";
            had.replaceReasons ??= s.replaceReasons;
            had.diffReasons ??= s.diffReasons;
        }
    }
    const groupIds = new Map<string, string>();
    const groupNames = new Map<string, string>();
    for (const s of byUrn.values()) {
        if (kindOf(parseUrn(s.urn).type) !== "AvatarGroup") continue;
        const id = str(s.oldState?.id) ?? str(s.newState?.id) ?? str(s.newState?.inputs?.adoptGroupId);
        if (id) groupIds.set(id, s.urn);
        const name = str(s.newState?.inputs?.name) ?? str(s.oldState?.outputs?.name) ?? str(s.oldState?.inputs?.name);
        groupNames.set(s.urn, name ?? parseUrn(s.urn).name);
    }
    const diagnostics = (Array.isArray(preview.diagnostics) ? preview.diagnostics : [])
        .filter((d) => d && typeof d.message === "string")
        .map((d) => ({ ...d, severity: typeof d.severity === "string" ? d.severity : "info", urn: typeof d.urn === "string" ? d.urn : undefined }));
    const rows: Row[] = [];
    const plain: PlainRow[] = [];
    let unchanged = 0;
    for (const s of byUrn.values()) {
        const { type, name } = parseUrn(s.urn);
        if (SKIP_TYPES.test(type)) continue;
        const kind = kindOf(type);
        const st = s.newState ?? s.oldState;
        const adopting = !!(str(st?.inputs?.adoptLookId) || str(st?.inputs?.adoptGroupId));
        const names = kind ? namesOf(kind, s.oldState, s.newState) : {};
        const renamed = !!(names.from && names.to && names.from !== names.to);
        const change = changeOf(s.op, adopting, renamed);
        const diags = diagnostics.filter((d) => d.urn === s.urn);
        if (change === "same" && diags.length === 0) {
            unchanged++;
            continue;
        }
        // An unchanged look with a warning (a drift HeyGen cannot undo): the warning is listed, the look is unchanged.
        if (kind && change === "same") {
            unchanged++;
            continue;
        }
        if (!kind || change === "same" || change === "other") {
            plain.push({ urn: s.urn, type, resource: name, op: s.op, diagnostics: diags });
            continue;
        }
        const row = rowOf(s, kind, change);
        row.groupKey = groupKeyOf(s.urn, byUrn, groupIds);
        row.diagnostics = diags;
        rows.push(row);
    }
    const shown = new Set([...rows, ...plain].flatMap((r) => (r.diagnostics.length ? [r.urn] : [])));
    const groups = new Map<string, Group>();
    for (const r of rows) {
        let g = groups.get(r.groupKey);
        if (!g) {
            const step = byUrn.get(r.urn);
            const declared = str(step?.newState?.inputs?.groupId) ?? str(step?.oldState?.inputs?.groupId);
            const id = r.groupKey.startsWith("id:") ? r.groupKey.slice(3) : [...groupIds].find(([, u]) => u === r.groupKey)?.[0] ?? declared;
            const name = groupNames.get(r.groupKey)
                ?? (r.groupKey.startsWith("urn:") ? `group \`${parseUrn(r.groupKey).name}\``
                    : r.groupKey.startsWith("id:") ? "a group this stack does not manage" : "group known at `up`");
            g = { key: r.groupKey, name, id, rows: [] };
            groups.set(r.groupKey, g);
        }
        g.rows.push(r);
    }
    // The group itself first, then looks by change and name: the order a reviewer reads a change in.
    const order = (r: Row) => (r.kind === "AvatarGroup" ? -1 : CHANGES.indexOf(r.change));
    for (const g of groups.values()) g.rows.sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
    const counts = Object.fromEntries(CHANGES.map((c) => [c, rows.filter((r) => r.change === c).length])) as Record<Change, number>;
    return {
        groups: [...groups.values()].sort((a, b) => a.name.localeCompare(b.name)),
        plain,
        diagnostics: diagnostics.filter((d) => !d.urn || !shown.has(d.urn)),
        failed: diagnostics.some((d) => d.severity === "error"),
        // Without `--show-sames` the unchanged resources are only counted (the stack itself among them).
        unchanged: Math.max(unchanged, (preview.changeSummary?.same ?? 0) - steps.filter((x) => /pulumi:pulumi:Stack::/.test(x.urn)).length),
        trainings: rows.reduce((n, r) => n + r.trainings, 0),
        counts,
    };
}

/** Word-level diff of two prompts (LCS), for marking what changed. */
export function diffWords(a: string, b: string): { op: "same" | "del" | "ins"; text: string }[] {
    const x = a.split(/(\s+)/);
    const y = b.split(/(\s+)/);
    // Long prompts are ≤ 1000 characters: the quadratic table stays small.
    const n = x.length, m = y.length;
    const t: number[][] = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i][j] = x[i] === y[j] ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
    const out: { op: "same" | "del" | "ins"; text: string }[] = [];
    const push = (op: "same" | "del" | "ins", text: string) => {
        const last = out[out.length - 1];
        if (last && last.op === op) last.text += text;
        else out.push({ op, text });
    };
    let i = 0, j = 0;
    while (i < n && j < m) {
        if (x[i] === y[j]) push("same", x[i++]), j++;
        else if (t[i + 1][j] >= t[i][j + 1]) push("del", x[i++]);
        else push("ins", y[j++]);
    }
    while (i < n) push("del", x[i++]);
    while (j < m) push("ins", y[j++]);
    return out.filter((p) => p.text !== "");
}
