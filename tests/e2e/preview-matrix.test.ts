// Preview equals up: a matrix of single changes, out-of-band drifts and combinations, applied one after the
// other to one realistic estate (two characters: a photo first look with a digital twin, a photo look, a
// prompt look and a consent request; a prompt first look with a photo look) through the real engine
// against one emulator with instant training. For each row: `preview --json`, then `up --json`; the
// steps the preview planned (op and properties per resource) must be the steps `up` applied, both must be
// what the table says, and no object's id may change unless the table says it must. Drift rows change
// HeyGen behind the program's back through the emulator's control API, then `refresh`.
// The table of rows (previewed vs applied) is printed at the end.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, type EventReport, type PreviewReport } from "../support/engine";
import { http as raw, media } from "../support/http";

// The estate's knobs come from knobs.json, rewritten by each row (faster than `pulumi config set`). Plain
// JavaScript: each of the ~70 engine runs saves compiling the program.
const PROGRAM = `
const fs = require("fs");
const heygen = require("pulumi-heygen");
const k = JSON.parse(fs.readFileSync("knobs.json", "utf8"));
// A file knob: { path, mediaType? } as it is, or { base64: <file>, mediaType } read here.
const file = (f) => (f.base64 ? { base64: fs.readFileSync(f.base64).toString("base64"), mediaType: f.mediaType } : f);
const sarah = new heygen.AvatarGroup("sarah", {
    name: k.sarahName, waitFor: k.sarahWaitFor, timeoutSeconds: k.sarahTimeout,
    firstLook: { type: "photo", name: k.sarahFirstName, image: file(k.sarahImage) },
});
const studio = new heygen.DigitalTwinLook("studio", { groupId: sarah.groupId, name: k.studioName, footage: { url: k.studioFootage } });
const casual = new heygen.PhotoLook("casual", { groupId: sarah.groupId, name: k.casualName, image: file(k.casualImage) });
const dreamy = new heygen.PromptLook("dreamy", { groupId: sarah.groupId, name: k.dreamyName, prompt: k.dreamyPrompt });
// The twin's groupId: the consent is asked once the twin exists, without dependsOn.
new heygen.ConsentRequest("consent", { groupId: studio.groupId, rerouteUrl: k.consentReroute });
const marcus = new heygen.AvatarGroup("marcus", { name: "Marcus", firstLook: { type: "prompt", prompt: k.marcusPrompt } });
new heygen.PhotoLook("marcus-casual", { groupId: marcus.groupId, name: "Marcus - casual", image: { path: "media/marcus.png" } });
if (k.adopted) new heygen.PhotoLook("adopted", { groupId: sarah.groupId, name: k.adopted.name, image: { url: k.adopted.url }, adoptLookId: k.adopted.id });
exports.lookIds = { studio: studio.lookId, casual: casual.lookId, dreamy: dreamy.lookId };
exports.groupIds = { sarah: sarah.groupId, marcus: marcus.groupId };
`;

type Op = "create" | "update" | "replace" | "delete";
type Knobs = Record<string, any>;

interface Ctx {
    knobs: Knobs;
    dir: string;
    control: ReturnType<typeof raw>;
    /** Resource name → its state (id, outputs), as `pulumi stack export` has it now. */
    state: Record<string, { id: string; outputs: any }>;
}

interface Row {
    name: string;
    change(ctx: Ctx): Promise<void> | void;
    /** A change made in HeyGen behind the program's back: `refresh` runs before the preview. */
    drift?: boolean;
    /** Resource name → the step planned and applied; every other resource is unchanged. */
    expect: Partial<Record<string, Op>>;
    /** Ids that change beyond those of replaced or re-created resources (`sarah.firstLook`, ...). */
    alsoChanges?: string[];
    /** A warning the preview must show. */
    warns?: RegExp;
    /** More checks after `up`. */
    after?(ctx: Ctx): Promise<void> | void;
}

const DEFAULT_KNOBS: Knobs = {
    sarahName: "Sarah", sarahFirstName: "Sarah - headshot", sarahImage: { path: "media/sarah.png" },
    studioName: "Sarah - studio", studioFootage: "https://cdn.example.com/sarah-studio.mp4",
    casualName: "Sarah - casual", casualImage: { path: "media/casual.png" },
    dreamyName: "Sarah - dreamy", dreamyPrompt: "Sarah in a sunlit meadow, soft light",
    consentReroute: "https://example.com/thanks",
    marcusPrompt: "A friendly presenter in his forties, navy blazer",
};

const SARAH_LOOKS = ["studio", "casual", "dreamy"];

const ROWS: Row[] = [
    { name: "an empty stack", change: () => undefined, expect: { sarah: "create", studio: "create", casual: "create", dreamy: "create", consent: "create", marcus: "create", "marcus-casual": "create" } },
    // Inputs, one at a time.
    { name: "group: first look's name", change: ({ knobs }) => void (knobs.sarahFirstName = "Sarah - portrait"), expect: { sarah: "update" } },
    { name: "group: waitFor", change: ({ knobs }) => void (knobs.sarahWaitFor = "created"), expect: { sarah: "update" } },
    { name: "group: timeoutSeconds", change: ({ knobs }) => void (knobs.sarahTimeout = 600), expect: { sarah: "update" } },
    { name: "group: first look's file moved, same bytes", change: (c) => moveFile(c, "sarahImage", "media/moved/sarah.png"), expect: {} },
    { name: "photo look: name", change: ({ knobs }) => void (knobs.casualName = "Sarah - weekend"), expect: { casual: "update" } },
    { name: "photo look: file moved, same bytes", change: (c) => moveFile(c, "casualImage", "media/moved/casual.png"), expect: {} },
    { name: "photo look: path written ./media/…", change: ({ knobs }) => void (knobs.casualImage = { path: `./${knobs.casualImage.path}` }), expect: {} },
    { name: "photo look: path → base64, same bytes", change: ({ knobs }) => void (knobs.casualImage = { base64: knobs.casualImage.path, mediaType: "image/png" }), expect: {} },
    { name: "photo look: base64 → path + matching mediaType", change: ({ knobs }) => void (knobs.casualImage = { path: knobs.casualImage.base64, mediaType: "image/png" }), expect: {} },
    {
        name: "photo look: new bytes", expect: { casual: "replace" },
        change: ({ dir, knobs }) => {
            fs.writeFileSync(path.join(dir, "media", "casual-v2.png"), media.png(700, 700));
            knobs.casualImage = { path: "media/casual-v2.png" };
        },
    },
    { name: "digital twin: name", change: ({ knobs }) => void (knobs.studioName = "Sarah - studio A"), expect: { studio: "update" } },
    { name: "digital twin: footage", change: ({ knobs }) => void (knobs.studioFootage = "https://cdn.example.com/sarah-studio-v2.mp4"), expect: { studio: "replace" } },
    { name: "prompt look: name", change: ({ knobs }) => void (knobs.dreamyName = "Sarah - dreamier"), expect: { dreamy: "replace" } },
    { name: "prompt look: prompt", change: ({ knobs }) => void (knobs.dreamyPrompt = "Sarah on a beach at dusk"), expect: { dreamy: "replace" } },
    { name: "consent: rerouteUrl", change: ({ knobs }) => void (knobs.consentReroute = "https://example.com/thanks-v2"), expect: { consent: "replace" } },
    { name: "prompt group: first look's prompt", change: ({ knobs }) => void (knobs.marcusPrompt = "A friendly presenter, grey suit"), expect: { marcus: "replace", "marcus-casual": "replace" } },
    {
        name: "adopt an existing look", expect: { adopted: "create" },
        change: async ({ knobs, control, state }) => {
            const made = await control.post("/v3/avatars", { type: "photo", name: "Sarah - found", avatar_group_id: state.sarah.id, file: { type: "url", url: "https://cdn.example.com/found.jpg" } });
            knobs.adopted = { id: made.body.data.avatar_item.id, name: "Sarah - found", url: "https://cdn.example.com/found.jpg" };
        },
        after: ({ knobs, state }) => assert.equal(state.adopted.id, knobs.adopted.id, "the existing look was taken over, not made anew"),
    },
    { name: "adoptLookId removed after the adoption", change: ({ knobs }) => void delete knobs.adopted.id, expect: {} },
    // Out-of-band drifts, then `refresh`.
    { name: "drift: photo look renamed", drift: true, change: ({ control, state }) => renameLook(control, state.casual.id, "Casual (web)"), expect: { casual: "update" } },
    { name: "drift: first look renamed", drift: true, change: ({ control, state }) => renameLook(control, state.sarah.outputs.firstLookId, "Headshot (web)"), expect: { sarah: "update" } },
    {
        name: "drift: group renamed (API cannot rename)", drift: true, expect: {}, warns: /named "Sarah \(web\)" in HeyGen/,
        change: ({ control, state }) => control.patch(`/_emulator/avatars/${state.sarah.id}`, { name: "Sarah (web)" }).then(() => undefined),
    },
    { name: "program accepts the group's new name", change: ({ knobs }) => void (knobs.sarahName = "Sarah (web)"), expect: { sarah: "update" } },
    { name: "drift: prompt look renamed (API cannot rename)", drift: true, change: ({ control, state }) => renameLook(control, state.dreamy.id, "Dreamy (web)"), expect: {}, warns: /named "Dreamy \(web\)" in HeyGen/ },
    { name: "drift: photo look deleted", drift: true, change: ({ control, state }) => control.del(`/_emulator/looks/${state.casual.id}`).then(() => undefined), expect: { casual: "create" } },
    {
        name: "drift: first look deleted", drift: true, expect: { sarah: "update" }, alsoChanges: ["sarah.firstLook"],
        change: ({ control, state }) => control.del(`/_emulator/looks/${state.sarah.outputs.firstLookId}`).then(() => undefined),
    },
    {
        name: "drift: consent approved", drift: true, expect: {},
        change: ({ control, state }) => control.post(`/_emulator/consent/${state.sarah.id}`, { decision: "approve" }).then(() => undefined),
        after: ({ state }) => assert.equal(state.studio.outputs.status, "completed", "the twin trained once consent was given"),
    },
    {
        name: "drift: look's status changed (training restarted)", drift: true, expect: {},
        change: ({ control, state }) => control.patch(`/_emulator/looks/${state.casual.id}`, { status: "processing" }).then(() => undefined),
    },
    { name: "drift: group deleted", drift: true, change: ({ control, state }) => control.del(`/_emulator/avatars/${state.marcus.id}`).then(() => undefined), expect: { marcus: "create", "marcus-casual": "create" } },
    // Combinations.
    {
        name: "first look's name + photo look's name + prompt", expect: { sarah: "update", casual: "update", dreamy: "replace" },
        change: ({ knobs }) => {
            knobs.sarahFirstName = "Sarah - portrait v2";
            knobs.casualName = "Sarah - casual v2";
            knobs.dreamyPrompt = "Sarah in the mountains";
        },
    },
    {
        name: "drift (group renamed) + program renames its first look", drift: true, expect: { sarah: "update" }, warns: /named "Sarah \(web 2\)" in HeyGen/,
        change: async ({ control, state, knobs }) => {
            await control.patch(`/_emulator/avatars/${state.sarah.id}`, { name: "Sarah (web 2)" });
            knobs.sarahFirstName = "Sarah - portrait v3";
        },
    },
    {
        name: "group: name (groups cannot be renamed)", alsoChanges: ["consent"], // the consent's id is its group's
        change: ({ knobs }) => void (knobs.sarahName = "Sarah Connor"),
        expect: { sarah: "replace", studio: "replace", casual: "replace", dreamy: "replace", adopted: "replace", consent: "replace" },
    },
];

/** Copies a file knob's bytes to another path and points the knob there. */
function moveFile({ dir, knobs }: Ctx, knob: string, to: string): void {
    fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
    fs.copyFileSync(path.join(dir, knobs[knob].path), path.join(dir, to));
    knobs[knob] = { path: to };
}

async function renameLook(control: Ctx["control"], id: string, name: string): Promise<void> {
    const r = await control.patch(`/_emulator/looks/${id}`, { name });
    assert.equal(r.status, 200, r.text);
}

// Steps per resource, from the engine's own reports. A replacement is reported as several steps
// (create-replacement, replace, delete-replaced): one `replace` here.
type Steps = Record<string, { op: Op; diffs: string[] }>;
const HEYGEN = /pulumi-nodejs:dynamic\/heygen:/;
const nameOf = (urn: string) => urn.split("::").pop()!;
const normalOp = (op: string): Op | undefined =>
    ["create-replacement", "delete-replaced", "replace"].includes(op) ? "replace" : (["create", "update", "delete"] as string[]).includes(op) ? (op as Op) : undefined;

function addStep(steps: Steps, urn: string, op: string, diffs: string[] | undefined): void {
    const o = normalOp(op);
    if (!o || !HEYGEN.test(urn)) return;
    const s = (steps[nameOf(urn)] ??= { op: o, diffs: [] });
    if (o === "replace") s.op = "replace";
    s.diffs = [...new Set([...s.diffs, ...(diffs ?? [])])].sort();
}

function planned(p: PreviewReport): Steps {
    const steps: Steps = {};
    for (const s of p.steps) addStep(steps, s.urn, s.op, s.diffReasons);
    return steps;
}

function applied(r: EventReport): Steps {
    const steps: Steps = {};
    for (const e of r.events) if (e.resourcePreEvent) addStep(steps, e.resourcePreEvent.metadata.urn, e.resourcePreEvent.metadata.op, e.resourcePreEvent.metadata.diffs);
    return steps;
}

const show = (s: Steps) =>
    Object.entries(s).sort(([a], [b]) => a.localeCompare(b)).map(([n, { op, diffs }]) => `${n} ${{ create: "+", update: "~", replace: "+-", delete: "-" }[op]}${op}${diffs.length ? `[${diffs.join(",")}]` : ""}`).join("; ") || "no change";

describe("preview equals up: a matrix of changes and drifts (real engine, emulator)", function () {
    this.timeout(120_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    let p: CliProject;
    const ctx = {} as Ctx;
    const table: string[][] = [];

    /** The stack's resources after `up`, from its own events (one engine run less than `stack export`). */
    const stateAfter = (up: EventReport) => {
        const state: Ctx["state"] = {};
        for (const e of up.events) {
            const m = e.resOutputsEvent?.metadata;
            if (m && HEYGEN.test(m.urn) && m.op !== "delete" && m.op !== "delete-replaced") state[nameOf(m.urn)] = { id: m.new.id, outputs: m.new.outputs };
        }
        return state;
    };
    /** Every object id that must stay put: resources, and the groups' first looks. */
    const ids = (state: Ctx["state"]) => {
        const out: Record<string, string> = {};
        for (const [n, r] of Object.entries(state)) {
            out[n] = r.id;
            if (r.outputs.firstLookId) out[`${n}.firstLook`] = r.outputs.firstLookId;
        }
        return out;
    };

    before(async function () {
        this.timeout(60_000);
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
        p = CliProject.create(
            "preview-matrix",
            { "Pulumi.yaml": "name: preview-matrix\nruntime: nodejs\nmain: index.js\n", "index.js": PROGRAM },
            { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url },
        );
        fs.mkdirSync(path.join(p.dir, "media"), { recursive: true });
        fs.writeFileSync(path.join(p.dir, "media", "sarah.png"), media.png(800, 800));
        fs.writeFileSync(path.join(p.dir, "media", "casual.png"), media.png(640, 640));
        fs.writeFileSync(path.join(p.dir, "media", "marcus.png"), media.png(900, 900));
        await p.ok(["stack", "init", "dev"]);
        Object.assign(ctx, { knobs: structuredClone(DEFAULT_KNOBS), dir: p.dir, control, state: {} });
    });
    after(async () => {
        if (table.length) {
            const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((r) => r[i].length), ["row", "previewed", "applied", "ids changed"][i].length));
            const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
            console.log(["", line(["row", "previewed", "applied", "ids changed"]), line(widths.map((w) => "-".repeat(w))), ...table.map(line)].join("\n"));
        }
        p?.remove();
        await emu?.stop();
    });

    ROWS.forEach((row, i) => {
        it(`${i + 1}. ${row.name}: ${show(Object.fromEntries(Object.entries(row.expect).map(([n, op]) => [n, { op: op!, diffs: [] }])))}`, async () => {
            const before = ids(ctx.state);
            await row.change(ctx);
            fs.writeFileSync(path.join(p.dir, "knobs.json"), JSON.stringify(ctx.knobs));
            let refreshed = "";
            if (row.drift) {
                const r = await p.apply("refresh");
                assert.equal(r.result, "succeeded", r.stdout.slice(-3000));
                refreshed = Object.entries(r.changes).filter(([k]) => k !== "same").map(([k, v]) => `${k} ${v}`).join(", ");
            }

            const plan = await p.preview();
            assert.equal(plan.exitCode, 0, JSON.stringify(plan.diagnostics, null, 1));
            const up = await p.apply("up");
            assert.equal(up.result, "succeeded", up.stdout.slice(-4000));
            const [want, got, did] = [row.expect, planned(plan), applied(up)];
            ctx.state = stateAfter(up);

            const after = ids(ctx.state);
            const changed = Object.keys(before).filter((k) => after[k] !== undefined && after[k] !== before[k]).sort();
            table.push([`${i + 1}. ${row.name}${refreshed ? ` (refresh: ${refreshed})` : ""}`, show(got), show(did), changed.join(", ") || "none"]);

            assert.deepEqual(did, got, `up applied what preview planned\n planned: ${show(got)}\n applied: ${show(did)}`);
            const hidden = Object.entries(got).filter(([, st]) => st.diffs.some((d) => d.startsWith("__"))).map(([n]) => n);
            assert.deepEqual(hidden, [], `hidden inputs (\`__identity\`) are never shown as changed (planned: ${show(got)})`);
            assert.deepEqual(Object.fromEntries(Object.entries(got).map(([n, s]) => [n, s.op])), want, `the table's steps (planned: ${show(got)})`);
            assert.deepEqual(plan.changeSummary, up.changes, "the preview's counts are up's");
            // Ids change only where the table replaces or re-creates something.
            const mustChange = new Set([
                ...Object.entries(want).filter(([n, op]) => op === "replace" || op === "create").flatMap(([n]) => [n, `${n}.firstLook`]),
                ...(row.alsoChanges ?? []),
            ]);
            assert.deepEqual(changed, Object.keys(before).filter((k) => mustChange.has(k) && after[k] !== undefined).sort(), "ids that changed");
            if (row.warns) {
                const warnings = (plan.diagnostics ?? []).filter((d) => d.severity === "warning").map((d) => d.message).join("\n");
                assert.match(warnings, row.warns);
            }
            // And the next preview is clean: up did all it said.
            if (i === ROWS.length - 1) assert.deepEqual(Object.keys(planned(await p.preview())), [], "nothing left to do");
            await row.after?.(ctx);
        });
    });
});

// What would fail halfway through `up` fails at preview, with reads only, naming the property; and never as
// the engine's opaque `Unexpected struct type.`; and what looks odd but is fine passes.
const CHECKS_PROGRAM = `
const fs = require("fs");
const heygen = require("pulumi-heygen");
const k = JSON.parse(fs.readFileSync("knobs.json", "utf8"));
for (const [name, args] of Object.entries(k.groups ?? {})) new heygen.AvatarGroup(name, args);
for (const [name, args] of Object.entries(k.looks ?? {})) new heygen.PhotoLook(name, args);
`;

describe("preview checks what up would fail on (real engine, emulator)", function () {
    this.timeout(120_000);
    let emu: Emulator;
    let p: CliProject;
    let groupId: string;
    let lookId: string;
    const preview = async (knobs: Knobs) => {
        fs.writeFileSync(path.join(p.dir, "knobs.json"), JSON.stringify(knobs));
        return p.preview();
    };
    const photo = { url: "https://cdn.example.com/face.jpg" };

    before(async function () {
        this.timeout(60_000);
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        const made = await raw(emu.url).post("/v3/avatars", { type: "photo", name: "Existing", file: { type: "url", url: photo.url } });
        groupId = made.body.data.avatar_group.id;
        lookId = made.body.data.avatar_item.id;
        p = CliProject.create(
            "preview-checks",
            { "Pulumi.yaml": "name: preview-checks\nruntime: nodejs\nmain: index.js\n", "index.js": CHECKS_PROGRAM },
            { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url },
        );
        fs.writeFileSync(path.join(p.dir, "notes.txt"), "not an image");
        fs.writeFileSync(path.join(p.dir, "README"), "no extension, not an image");
        fs.writeFileSync(path.join(p.dir, "face"), media.png(600, 600));
        await p.ok(["stack", "init", "dev"]);
    });
    after(async () => {
        p?.remove();
        await emu?.stop();
    });

    // The engine stops at the first resource whose check fails: one preview per bad input.
    const bad: [string, () => Knobs, RegExp][] = [
        ["a group without firstLook", () => ({ groups: { g: { name: "Nobody" } } }), /firstLook.*is required: HeyGen creates a group only together with its first look/],
        ["a .txt file as a photo", () => ({ looks: { l: { groupId, name: "A", image: { path: "notes.txt" } } } }), /image\.path.*'notes\.txt' holds neither JPEG nor PNG bytes, and HeyGen reads a file's type from its bytes/],
        ["a file with no extension that is no image", () => ({ looks: { l: { groupId, name: "B", image: { path: "README" } } } }), /image\.path.*'README' holds neither JPEG nor PNG bytes, and HeyGen reads a file's type from its bytes/],
        ["a look joining a public group", () => ({ looks: { l: { groupId: "public_group_1", name: "C", image: photo } } }), /groupId.*public_group_1 \("Daisy"\) is one of HeyGen's public avatars/],
        ["a look joining a group that does not exist", () => ({ looks: { l: { groupId: "0".repeat(32), name: "D", image: photo } } }), /groupId.*no avatar group 0+ exists in this HeyGen account/],
        ["adopting a look under another name", () => ({ looks: { l: { groupId, name: "Not its name", image: photo, adoptLookId: lookId } } }), /name.*is named "Existing": declare that name to adopt it as it is/],
        ["a name of 256 characters (emoji)", () => ({ looks: { l: { groupId, name: "😀".repeat(256), image: photo } } }), /name.*is 256 characters; HeyGen allows at most 255/],
    ];
    for (const [name, knobs, message] of bad) {
        it(`fails the preview on ${name}, naming the property and the fix`, async () => {
            const plan = await preview(knobs());
            assert.notEqual(plan.exitCode, 0);
            const errors = (plan.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => d.message).join("\n");
            assert.doesNotMatch(errors, /Unexpected struct type/);
            assert.match(errors, message);
        });
    }

    it("passes what is fine: a PNG without extension, 255 emoji, an adoption that matches", async () => {
        const plan = await preview({
            looks: {
                "png-no-extension": { groupId, name: "E", image: { path: "face" } },
                emoji: { groupId, name: "😀".repeat(255), image: photo },
                adopted: { groupId, name: "Existing", image: photo, adoptLookId: lookId },
            },
        });
        assert.equal(plan.exitCode, 0, JSON.stringify(plan.diagnostics, null, 1));
        assert.deepEqual(plan.changeSummary, { create: 4 }, "three looks and the stack");
    });
});
