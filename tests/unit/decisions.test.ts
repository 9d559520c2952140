// The provider's decisions as tables: what `check` rejects (property and fix), what `diff` updates in place
// and what it replaces, with unknown values (preview) in the mix. No network: these are pure, except the
// key check, which runs only when inputs are valid and changed (covered in handlers.test.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkFileSource, fileIdentity, normalizePath, unstage } from "../../provider/sources";
import { FIRST_LOOK_DELETED, decideGroupDiff } from "../../provider/resources/avatarGroup";
import { checkConsentInputs, decideConsentDiff } from "../../provider/resources/consentRequest";
import {
    type Failure, UNKNOWN, adoptionBlocksReplace, charCount, checkName, decideDiff, decideFixedName, deepEqual, pollDelay, toDiffResult, unknownReplaceWarnings, withoutUndefined,
} from "../../provider/lifecycle/common";
import { digitalTwinKind } from "../../provider/resources/digitalTwinLook";
import { decideLookDiff, lookDiffRules } from "../../provider/resources/lookLifecycle";
import { photoKind } from "../../provider/resources/photoLook";
import { promptKind } from "../../provider/resources/promptLook";
import { media } from "../support/http";

const failuresOf = (fn: (f: Failure[]) => unknown) => {
    const f: Failure[] = [];
    fn(f);
    return f;
};

describe("decisions: file sources (check)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-files-"));
        fs.writeFileSync(path.join(dir, "face.png"), media.png());
        fs.writeFileSync(path.join(dir, "clip.mp4"), media.mp4());
        fs.writeFileSync(path.join(dir, "notes.txt"), "hello");
        fs.mkdirSync(path.join(dir, "folder"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const cases: [string, unknown, "image" | "video", RegExp | null, string?][] = [
        ["an https url", { url: "https://cdn.example.com/a.jpg" }, "image", null],
        ["an http url", { url: "http://cdn.example.com/a.jpg" }, "image", /not an https URL/, "image.url"],
        ["not a url", { url: "cdn/a.jpg" }, "image", /not an https URL/, "image.url"],
        ["an asset id", { assetId: "abc123" }, "image", null],
        ["two sources", { url: "https://x.example/a.jpg", assetId: "a" }, "image", /has url and assetId: set exactly one/, "image"],
        ["no source", {}, "image", /has no source/, "image"],
        ["not an object", "https://x.example/a.jpg", "image", /must be an object/, "image"],
        ["a typo'd field", { url: "https://x.example/a.jpg", mediatype: "image/png" }, "image", /is not a file source field/, "image.mediatype"],
        ["base64 without mediaType", { base64: "aGVsbG8=" }, "image", /mediaType.*is required|is required with image.base64/, "image.mediaType"],
        ["base64 that is not base64", { base64: "!!!", mediaType: "image/png" }, "image", /not valid base64/, "image.base64"],
        ["an unsupported mediaType", { base64: "aGVsbG8=", mediaType: "image/gif" }, "image", /not supported here/, "image.mediaType"],
        ["a video type for an image", { assetId: "a", mediaType: "video/mp4" }, "image", /not supported here/, "image.mediaType"],
        ["a missing file", { path: "nope.png" }, "image", /does not exist/, "image.path"],
        ["a folder", { path: "folder" }, "image", /is not a file/, "image.path"],
        ["a file of unknown type", { path: "notes.txt" }, "image", /'notes\.txt' holds neither JPEG nor PNG bytes/, "image.path"],
        ["a video given as image", { path: "clip.mp4" }, "image", /'clip\.mp4' holds video\/mp4 bytes; an image is needed/, "image.path"],
        ["an unknown source (preview)", UNKNOWN, "image", null],
        ["a source with an unknown field (preview)", { url: UNKNOWN }, "image", null],
    ];
    for (const [name, value, kind, error, property] of cases) {
        it(`${error ? "rejects" : "accepts"} ${name}`, () => {
            const cwd = process.cwd();
            process.chdir(dir);
            try {
                const f = failuresOf((fs) => checkFileSource(value, "image", kind, fs));
                if (!error) assert.deepEqual(f, []);
                else {
                    assert.ok(f.length > 0, "expected a failure");
                    assert.equal(f[0].property, property);
                    assert.match(f[0].reason, error);
                }
            } finally {
                process.chdir(cwd);
            }
        });
    }

    it("hashes local files, so a content change shows in the inputs", () => {
        const cwd = process.cwd();
        process.chdir(dir);
        try {
            const a = checkFileSource({ path: "face.png" }, "image", "image", []) as { sha256: string; size: number; mediaType: string };
            assert.equal(a.mediaType, "image/png");
            assert.equal(a.size, 33);
            fs.writeFileSync("face.png", media.png(2048, 2048));
            const b = checkFileSource({ path: "face.png" }, "image", "image", []) as { sha256: string };
            assert.notEqual(a.sha256, b.sha256);
        } finally {
            process.chdir(cwd);
        }
    });

    it("keeps base64 bytes in the process's memory: nothing is written to disk, and they are checked against their hash", () => {
        // Before: every check (previews too) wrote them to a shared $TMPDIR/pulumi-heygen-staged, where
        // another local user could swap them under the right name.
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stage-test-"));
        const saved = process.env.TMPDIR;
        process.env.TMPDIR = tmp;
        try {
            const bytes = media.png(600, 600);
            const stored = checkFileSource({ base64: bytes.toString("base64"), mediaType: "image/png" }, "image", "image", []) as { sha256: string };
            assert.deepEqual(fs.readdirSync(tmp), [], "nothing written under TMPDIR");
            assert.ok(unstage(stored.sha256, "image").equals(bytes));
            assert.throws(() => unstage("0".repeat(64), "image"), /image\.base64: the bytes were not checked in this run of the provider; run `pulumi up` again/);
        } finally {
            if (saved === undefined) delete process.env.TMPDIR;
            else process.env.TMPDIR = saved;
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("keeps only a hash of base64 bytes, never the bytes", () => {
        const data = media.png().toString("base64");
        const stored = checkFileSource({ base64: data, mediaType: "image/png" }, "image", "image", []);
        assert.equal(JSON.stringify(stored).includes(data), false);
        assert.match((stored as { sha256: string }).sha256, /^[0-9a-f]{64}$/);
    });
});

describe("decisions: look inputs (check)", () => {
    const cases: [string, typeof photoKind, Record<string, unknown>, string | null][] = [
        ["photo without image", photoKind, {}, "image"],
        ["twin without footage", digitalTwinKind, {}, "footage"],
        ["twin footage that does not exist", digitalTwinKind, { footage: { path: "missing.mp4" } }, "footage.path"],
        ["prompt without prompt", promptKind, {}, "prompt"],
        ["prompt over 1000 characters", promptKind, { prompt: "x".repeat(1001) }, "prompt"],
        ["prompt of exactly 1000", promptKind, { prompt: "x".repeat(1000) }, null],
        ["four reference images", promptKind, { prompt: "p", referenceImages: [1, 2, 3, 4].map((i) => ({ url: `https://x.example/${i}.jpg` })) }, "referenceImages"],
        ["three reference images", promptKind, { prompt: "p", referenceImages: [1, 2, 3].map((i) => ({ url: `https://x.example/${i}.jpg` })) }, null],
        ["a bad reference image", promptKind, { prompt: "p", referenceImages: [{ url: "ftp://x" }] }, "referenceImages[0].url"],
        ["referenceImages not a list", promptKind, { prompt: "p", referenceImages: { url: "https://x.example/a.jpg" } }, "referenceImages"],
        ["an unknown prompt (preview)", promptKind, { prompt: UNKNOWN }, null],
        ["unknown reference images (preview)", promptKind, { prompt: "p", referenceImages: UNKNOWN }, null],
    ];
    for (const [name, kind, news, property] of cases) {
        it(`${property ? "rejects" : "accepts"} ${name}`, () => {
            const f = failuresOf((fs) => kind.checkSource(news, fs));
            if (property === null) assert.deepEqual(f, []);
            else assert.equal(f[0]?.property, property, JSON.stringify(f));
        });
    }

    it("checks the consent request's inputs", () => {
        assert.deepEqual(checkConsentInputs({ groupId: "g1", rerouteUrl: "https://example.com/x", consentText: "I agree" }), []);
        assert.equal(checkConsentInputs({})[0].property, "groupId");
        assert.equal(checkConsentInputs({ groupId: "g1", rerouteUrl: "http://example.com" })[0].property, "rerouteUrl");
        assert.equal(checkConsentInputs({ groupId: "g1", consentText: "<b>yes</b>" })[0].property, "consentText");
        assert.equal(checkConsentInputs({ groupId: "g1", consentText: "x".repeat(1001) })[0].property, "consentText");
        assert.equal(checkConsentInputs({ groupId: "g1", waitFor: "forever" })[0].property, "waitFor");
        assert.equal(checkConsentInputs({ groupId: "g1", timeoutSeconds: -1 })[0].property, "timeoutSeconds");
        assert.deepEqual(checkConsentInputs({ groupId: UNKNOWN, rerouteUrl: UNKNOWN, consentText: UNKNOWN }), []);
    });
});

describe("decisions: diff (table)", () => {
    const photoRules = lookDiffRules(photoKind);
    const base = { groupId: "g1", name: "Sarah", image: { url: "https://x.example/a.jpg" } };
    const cases: [string, typeof photoRules, Record<string, unknown>, Record<string, unknown>, boolean, string[]][] = [
        ["nothing changed", photoRules, base, { ...base }, false, []],
        ["a photo look's name: in place", photoRules, base, { ...base, name: "Sarah 2" }, true, []],
        ["a photo look's image: replace", photoRules, base, { ...base, image: { url: "https://x.example/b.jpg" } }, true, ["image"]],
        ["a local file's content (hash): replace", photoRules, { ...base, image: { path: "a.png", sha256: "1" } }, { ...base, image: { path: "a.png", sha256: "2" } }, true, ["image"]],
        ["the group: replace", photoRules, base, { ...base, groupId: "g2" }, true, ["groupId"]],
        ["waitFor: in place, no API call", photoRules, base, { ...base, waitFor: "created" }, true, []],
        ["an unknown name at preview: in place", photoRules, base, { ...base, name: UNKNOWN }, true, []],
        ["an unknown group at preview: replace", photoRules, base, { ...base, groupId: UNKNOWN }, true, ["groupId"]],
        ["an unknown field inside the image: replace", photoRules, base, { ...base, image: { url: UNKNOWN } }, true, ["image"]],
        ["forceDestroy: in place", photoRules, base, { ...base, forceDestroy: true }, true, []],
        ["outputs in olds are ignored", photoRules, { ...base, status: "completed", lookId: "l1" }, { ...base }, false, []],
    ];
    for (const [name, rules, olds, news, changes, replaces] of cases) {
        it(name, () => {
            const d = decideDiff(olds, news, rules);
            assert.equal(d.changes, changes);
            assert.deepEqual(d.replaces, replaces);
        });
    }

    // A look's whole decision, as `diff` answers it: [case, kind, old state, new inputs, changes?, replaces, warns?]
    const png = { path: "media/a.png", mediaType: "image/png", sha256: "aa", size: 33 };
    const photo = { groupId: "g1", name: "Sarah", image: png, declaredName: "Sarah" };
    const prompt = { groupId: "g1", name: "Dreamy", prompt: "p", declaredName: "Dreamy" };
    const lookCases: [string, typeof photoKind, Record<string, unknown>, Record<string, unknown>, boolean, string[], boolean?][] = [
        ["the same bytes at another path (moved file): no change", photoKind, photo, { ...photo, image: { ...png, path: "other/b.png" } }, false, []],
        ["the same path written ./media/a.png: no change", photoKind, photo, { ...photo, image: { ...png, path: normalizePath("./media/a.png") } }, false, []],
        ["the same bytes as base64 instead of a path: no change", photoKind, photo, { ...photo, image: { mediaType: "image/png", sha256: "aa", size: 33 } }, false, []],
        ["a mediaType added that matches the bytes: no change", photoKind, { ...photo, image: { path: "a.png", sha256: "aa" } }, { ...photo, image: { path: "a.png", mediaType: "image/png", sha256: "aa" } }, false, []],
        ["other bytes at the same path: replace", photoKind, photo, { ...photo, image: { ...png, sha256: "bb" } }, true, ["image"]],
        ["a url instead of the same file: replace (HeyGen gets another file)", photoKind, photo, { ...photo, image: { url: "https://x.example/a.png" } }, true, ["image"]],
        ["adoptLookId removed after the adoption: no change", photoKind, { ...photo, adoptLookId: "l1" }, { ...photo }, false, []],
        ["adoptLookId added later: no change (it matters only at create)", photoKind, photo, { ...photo, adoptLookId: "l1" }, false, []],
        ["a photo look renamed outside (refresh): renamed back in place", photoKind, { ...photo, name: "Web name" }, { ...photo }, true, []],
        ["a prompt look's name: replace (HeyGen cannot rename it)", promptKind, prompt, { ...prompt, name: "Dreamier" }, true, ["name"]],
        ["a prompt look renamed outside: no change, a warning", promptKind, { ...prompt, name: "Web name" }, { ...prompt }, false, [], true],
        ["a prompt look renamed outside, the program takes that name: recorded in place", promptKind, { ...prompt, name: "Web name" }, { ...prompt, name: "Web name" }, true, []],
        ["a prompt look renamed outside, the program asks a third name: replace", promptKind, { ...prompt, name: "Web name" }, { ...prompt, name: "Third" }, true, ["name"]],
        ["state of an earlier version (no declaredName), unchanged: no change", promptKind, { groupId: "g1", name: "Dreamy", prompt: "p" }, { ...prompt }, false, []],
        ["the prompt: replace", promptKind, prompt, { ...prompt, prompt: "q" }, true, ["prompt"]],
        ["reference images given another way, same bytes: no change", promptKind, { ...prompt, referenceImages: [png] }, { ...prompt, referenceImages: [{ mediaType: "image/png", sha256: "aa" }] }, false, []],
        ["reference images reordered: replace", promptKind, { ...prompt, referenceImages: [png, { url: "https://x.example/b.jpg" }] }, { ...prompt, referenceImages: [{ url: "https://x.example/b.jpg" }, png] }, true, ["referenceImages"]],
        ["a twin's footage url: replace", digitalTwinKind, { groupId: "g1", name: "T", footage: { url: "https://x.example/a.mp4" } }, { groupId: "g1", name: "T", footage: { url: "https://x.example/b.mp4" } }, true, ["footage"]],
    ];
    for (const [name, kind, olds, news, changes, replaces, warns] of lookCases) {
        it(`look: ${name}`, () => {
            const d = decideLookDiff(kind, olds, news);
            assert.equal(d.changes !== false, changes, JSON.stringify(d));
            assert.deepEqual(d.replaces, replaces);
            assert.equal(d.warnings.length > 0, !!warns, d.warnings.join());
        });
    }

    const group = { name: "Sarah", firstLook: { type: "photo", name: "Sarah - headshot", image: { url: "https://x.example/a.jpg" } } };
    const stateOf = (g: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...g, declaredName: g.name, firstLookId: "l1", firstLookName: (g.firstLook as any).name ?? g.name, groupId: "g1", ...extra });
    const groupCases: [string, Record<string, unknown>, Record<string, unknown>, boolean, string[], boolean?][] = [
        ["nothing changed", group, { ...group }, false, []],
        ["the group's name: replace", group, { ...group, name: "Sara" }, true, ["name"]],
        ["the first look's image: replace the group", group, { ...group, firstLook: { ...group.firstLook, image: { url: "https://x.example/b.jpg" } } }, true, ["firstLook"]],
        ["the first look's name: in place", group, { ...group, firstLook: { ...group.firstLook, name: "Sarah - new" } }, true, []],
        ["the first look's name, when it defaulted to the group's", { ...group, firstLook: { type: "photo", image: group.firstLook.image } }, { ...group, firstLook: { type: "photo", image: group.firstLook.image } }, false, []],
        ["a prompt first look's name: replace", { name: "P", firstLook: { type: "prompt", prompt: "p" } }, { name: "P", firstLook: { type: "prompt", prompt: "p", name: "Q" } }, true, ["firstLook"]],
        ["an unknown first look (preview): replace", group, { ...group, firstLook: UNKNOWN }, true, ["firstLook"]],
        ["waitFor or timeoutSeconds: in place", group, { ...group, waitFor: "created", timeoutSeconds: 60 }, true, []],
        ["adoptGroupId removed after the adoption: no change", { ...group, adoptGroupId: "g1" }, { ...group }, false, []],
        ["the first look's file moved, same bytes: no change",
            { ...group, firstLook: { type: "photo", image: { path: "a.png", sha256: "aa" } } }, { ...group, firstLook: { type: "photo", image: { path: "media/a.png", mediaType: "image/png", sha256: "aa" } } }, false, []],
        ["a group whose first look failed, inputs unchanged: kept as failed, not made again", { ...group, status: "failed" }, { ...group }, false, []],
        ["a failed group whose first look's image changed: replace", { ...group, status: "failed" }, { ...group, firstLook: { ...group.firstLook, image: { url: "https://x.example/b.jpg" } } }, true, ["firstLook"]],
        ["forceDestroy: in place", group, { ...group, forceDestroy: true }, true, []],
    ];
    for (const [name, olds, news, changes, replaces] of groupCases) {
        it(`group: ${name}`, () => {
            const d = decideGroupDiff(stateOf(olds), news);
            // Changed inputs answer `undefined` (the engine diffs the inputs itself); no change is `false`.
            assert.equal(d.changes !== false, changes, JSON.stringify(d));
            assert.deepEqual(d.replaces, replaces);
        });
    }
    // Drift seen by a refresh (old state holds HeyGen's view beside what was declared).
    const driftCases: [string, Record<string, unknown>, Record<string, unknown>, boolean, string[], boolean][] = [
        ["the group renamed outside: no change, a warning", stateOf(group, { name: "Sarah (web)" }), group, false, [], true],
        ["renamed outside, and the program takes that name: recorded in place", stateOf(group, { name: "Sarah (web)" }), { ...group, name: "Sarah (web)" }, true, [], false],
        ["renamed outside, and the program asks a third name: replace", stateOf(group, { name: "Sarah (web)" }), { ...group, name: "Sarah 3" }, true, ["name"], false],
        ["the first look renamed outside: renamed back in place", stateOf(group, { firstLookName: "Web" }), group, true, [], false],
        ["the first look deleted outside: made again in place", stateOf(group, { firstLookStatus: FIRST_LOOK_DELETED }), group, true, [], false],
        ["the first look deleted and its image changed: replace", stateOf(group, { firstLookStatus: FIRST_LOOK_DELETED }), { ...group, firstLook: { ...group.firstLook, image: { url: "https://x.example/b.jpg" } } }, true, ["firstLook"], false],
    ];
    for (const [name, olds, news, changes, replaces, warns] of driftCases) {
        it(`group drift: ${name}`, () => {
            const d = decideGroupDiff(olds, news);
            assert.equal(d.changes !== false, changes, JSON.stringify(d));
            assert.deepEqual(d.replaces, replaces);
            assert.equal(d.warnings.length > 0, warns, d.warnings.join());
        });
    }

    it("a name HeyGen cannot change: same, record, drift or replace", () => {
        const table: [unknown, unknown, unknown, string][] = [
            // declared before, HeyGen's, declared now
            ["A", "A", "A", "same"],
            ["A", "A", "B", "replace"],
            ["A", "W", "A", "drift"],
            ["A", "W", "W", "record"],
            ["A", "W", "B", "replace"],
            [undefined, "A", "A", "same"], // state of an earlier version
            [undefined, "A", "B", "replace"],
            ["A", "A", UNKNOWN, "replace"],
        ];
        for (const [before, actual, now, want] of table) assert.equal(decideFixedName(before, actual, now), want, `${before} ${actual} ${now}`);
    });

    it("refuses a replacement that would adopt the same object again and then delete it", () => {
        assert.match(adoptionBlocksReplace("l1", ["image"], "l1", "photo look \"A\"", "adoptLookId")!, /Remove adoptLookId/);
        assert.equal(adoptionBlocksReplace("l1", [], "l1", "x", "adoptLookId"), undefined);
        assert.equal(adoptionBlocksReplace("l2", ["image"], "l1", "x", "adoptLookId"), undefined);
    });

    it("says so when a replacement depends on a value not known until up", () => {
        assert.deepEqual(unknownReplaceWarnings("photo look \"A\"", ["image"], { groupId: UNKNOWN, image: { url: "https://x.example/a.jpg" } }), []);
        assert.match(unknownReplaceWarnings("photo look \"A\"", ["groupId"], { groupId: UNKNOWN })[0], /groupId is not known until `up`.*only if the value changes/);
    });

    it("file identity: the bytes' hash, else the url or asset id; never how they were given", () => {
        assert.deepEqual(fileIdentity({ path: "./a.png", mediaType: "image/png", sha256: "h", size: 1 }), { sha256: "h" });
        assert.deepEqual(fileIdentity({ mediaType: "image/png", sha256: "h", size: 1 }), { sha256: "h" });
        assert.deepEqual(fileIdentity({ url: "https://x.example/a.png", mediaType: "image/png" }), { url: "https://x.example/a.png" });
        assert.deepEqual(fileIdentity({ assetId: "a1" }), { assetId: "a1" });
        assert.deepEqual(fileIdentity([{ assetId: "a1" }, { sha256: "h", path: "b" }]), [{ assetId: "a1" }, { sha256: "h" }]);
        assert.equal(fileIdentity(UNKNOWN), UNKNOWN);
        assert.deepEqual(fileIdentity({ url: UNKNOWN }), { url: UNKNOWN });
        assert.deepEqual(["./a.png", "a.png", "media/../a.png", "media\\a.png", "/abs/a.png"].map(normalizePath), ["a.png", "a.png", "a.png", "media/a.png", "/abs/a.png"]);
    });

    it("counts characters as HeyGen does (code points), not UTF-16 units", () => {
        assert.equal(charCount("😀".repeat(255)), 255);
        assert.deepEqual(failuresOf((f) => checkName("😀".repeat(255), "name", f)), []);
        assert.match(failuresOf((f) => checkName("😀".repeat(256), "name", f))[0].reason, /is 256 characters/);
        assert.deepEqual(failuresOf((f) => promptKind.checkSource({ prompt: "é😀".repeat(500) }, f)), []);
        assert.deepEqual(checkConsentInputs({ groupId: "g", consentText: "😀".repeat(1000) }), []);
    });

    it("gives the engine inputs it can hold: no undefined anywhere (else `Unexpected struct type.`)", () => {
        assert.deepEqual(withoutUndefined({ a: 1, b: undefined, c: { d: undefined, e: [1, undefined] } }), { a: 1, c: { e: [1] } });
    });

    it("consent: any input replaces; waitFor is in place; a declined request is asked again", () => {
        const c = { groupId: "g", rerouteUrl: "https://a.example" };
        const r = (changes: boolean | undefined, replaces: string[]) => ({ changes, replaces, deleteBeforeReplace: true });
        assert.deepEqual(decideConsentDiff(c, { ...c }), r(false, []));
        assert.deepEqual(decideConsentDiff(c, { ...c, rerouteUrl: "https://b.example" }), r(undefined, ["rerouteUrl"]));
        assert.deepEqual(decideConsentDiff(c, { ...c, waitFor: "approved" }), r(undefined, []));
        // No input changed, yet it must be asked again: an explicit answer.
        assert.deepEqual(decideConsentDiff({ ...c, consentStatus: "rejected" }, { ...c }), r(true, ["consentStatus"]));
    });

    it("answers the engine: undefined when inputs changed, false when not, true only for a forced replacement", () => {
        assert.deepEqual(toDiffResult({ changes: true, replaces: ["image"], changed: ["image"] }), { changes: undefined, replaces: ["image"], deleteBeforeReplace: false });
        assert.deepEqual(toDiffResult({ changes: false, replaces: [], changed: [] }), { changes: false, replaces: [], deleteBeforeReplace: false });
        assert.deepEqual(toDiffResult({ changes: false, replaces: [], changed: [] }, "status"), { changes: true, replaces: ["status"], deleteBeforeReplace: false });
        assert.deepEqual(toDiffResult({ changes: true, replaces: ["groupId"], changed: ["groupId"] }, "status"), { changes: undefined, replaces: ["groupId"], deleteBeforeReplace: false });
    });

    it("treats absent and undefined inputs alike", () => {
        assert.equal(deepEqual({ a: 1 }, { a: 1, b: undefined }), true);
        assert.equal(deepEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    });

    it("polls quickly at first, then every 5 s", () => {
        assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map((a) => pollDelay(a)), [250, 500, 1000, 2000, 4000, 5000, 5000]);
    });
});
