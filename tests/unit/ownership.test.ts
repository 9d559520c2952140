// Issue 20's decisions as tables: what a create does with the journal of creates, what adopting an id
// means (adopt, make anew from the source, or fail naming it), who owns what in a run, what a refresh says
// moved, and the small pure rules around them.
import { strict as assert } from "assert";
import { type AdoptionFacts, planAdoption } from "../../provider/lifecycle/adoption";
import { hiddenChanged, sourceBlocksReplace } from "../../provider/lifecycle/common";
import { JOURNAL_TTL_MS, type JournalEntry, journalDecision } from "../../provider/lifecycle/createOnce";
import { consentDeclinedWarning, movedMessages, targetedUp } from "../../provider/lifecycle/messages";
import { claim, describeIdentity, nameKey } from "../../provider/lifecycle/owners";
import { forgetProcess } from "../../provider/memory";
import { UNKNOWN } from "../../provider/lifecycle/common";

describe("ownership: the journal of creates (table)", () => {
    const now = 1_800_000_000_000;
    const e = (x: Partial<JournalEntry>): JournalEntry => ({ identity: "p/dev/heygen:PhotoLook/a", at: now - 1000, ...x });
    const cases: [string, JournalEntry | undefined, ReturnType<typeof journalDecision>["action"], number, string | undefined][] = [
        ["nothing known: generation 1", undefined, "fresh", 1, undefined],
        ["a create that never reached the engine (killed run): recover it", e({ generation: 1, id: "L1" }), "recover", 1, undefined],
        ["an entry of 0.1.0 (no generation): generation 1", e({ id: "L1" }), "recover", 1, undefined],
        ["one a day old: HeyGen forgot its key; nothing to recover", e({ at: now - JOURNAL_TTL_MS - 1 }), "fresh", 1, undefined],
        ["a create that reached the engine: a replacement, the next generation, never that object", e({ generation: 1, id: "L1", returned: true }), "next", 2, "L1"],
        ["after two replacements: the third", e({ generation: 3, id: "L3", returned: true, at: now - 10 * JOURNAL_TTL_MS }), "next", 4, "L3"],
        ["a killed replacement: recover it, still never taking the object it replaces", e({ generation: 2, replaces: "L1" }), "recover", 2, "L1"],
    ];
    for (const [name, entry, action, generation, forbid] of cases) {
        it(name, () => {
            const d = journalDecision(entry, now);
            assert.deepEqual([d.action, d.generation, d.action === "fresh" ? undefined : d.forbid], [action, generation, forbid]);
        });
    }
});

describe("ownership: adopting an id (table)", () => {
    const base: AdoptionFacts = { what: 'photo look "A"', adoptInput: "adoptLookId", adoptId: "L1", sourceInput: "image", hasSource: true, exists: true, ownedBefore: false };
    const cases: [string, Partial<AdoptionFacts>, string, RegExp?][] = [
        ["it exists and is nobody's yet: adopt", {}, "adopt"],
        ["it exists, no source needed: adopt", { hasSource: false }, "adopt"],
        ["gone from HeyGen, a source declared: made again from it", { exists: false }, "create", /L1 no longer exists in HeyGen, so `up` makes it again from image/],
        ["gone, no source: fails naming the source", { exists: false, hasSource: false }, "fail", /^is needed: adoptLookId L1 no longer exists in HeyGen/],
        ["this resource's own (up --replace), a source: a new one", { ownedBefore: true }, "create", /replaces L1, which it adopted earlier/],
        ["this resource's own, no source: fails naming the source", { ownedBefore: true, hasSource: false }, "fail", /^is needed to replace photo look "A"/],
        ["its own but gone: made again from the source", { ownedBefore: true, exists: false }, "create", /no longer exists/],
    ];
    for (const [name, facts, action, says] of cases) {
        it(name, () => {
            const p = planAdoption({ ...base, ...facts });
            assert.equal(p.action, action);
            if (says) assert.match(p.action === "create" ? p.warning : p.action === "fail" ? p.reason : "", says);
            if (p.action === "fail") assert.equal(p.property, "image");
        });
    }
});

describe("ownership: who owns what in a run", () => {
    beforeEach(() => forgetProcess());
    it("names a resource by its identity, parents or not", () => {
        assert.equal(describeIdentity("p/dev/heygen:PhotoLook/casual"), 'PhotoLook "casual"');
        assert.equal(describeIdentity("p/dev/my:Component$heygen:AvatarGroup/sarah/x"), 'AvatarGroup "sarah/x"');
    });
    it("a second owner of an object is told who the first is; the same owner again is fine", () => {
        assert.equal(claim("L1", "p/dev/heygen:PhotoLook/a"), undefined);
        assert.equal(claim("L1", "p/dev/heygen:PhotoLook/a"), undefined);
        assert.equal(claim("L1", "p/dev/heygen:PhotoLook/b"), "p/dev/heygen:PhotoLook/a");
    });
    it("a look's name is claimed within its group, only when both are known", () => {
        assert.equal(nameKey("g1", "Casual"), "name:g1:Casual");
        assert.equal(nameKey(UNKNOWN, "Casual"), undefined);
        assert.equal(nameKey("g1", UNKNOWN), undefined);
        assert.equal(claim(nameKey("g1", "Casual"), "i/a"), undefined);
        assert.equal(claim(nameKey("g2", "Casual"), "i/b"), undefined, "another group: another name");
        assert.equal(claim(nameKey("g1", "Casual"), "i/b"), "i/a");
        assert.equal(claim(undefined, "i/c"), undefined);
    });
});

describe("ownership: what a refresh says moved (table)", () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown>, string[], string[]][] = [
        ["nothing moved", { status: "completed" }, { status: "completed" }, [], []],
        ["training finished", { status: "processing" }, { status: "completed" }, ["status: processing → completed"], []],
        ["training failed: a warning with HeyGen's reason", { status: "processing" }, { status: "failed", error: { message: "no face" } }, [], ["training failed (was processing): no face"]],
        ["consent given", { consentStatus: "pending" }, { consentStatus: "approved" }, ["consent: pending → approved"], []],
        ["consent declined: a warning", { consentStatus: "pending" }, { consentStatus: "rejected" }, [], ["consent declined (was pending); the next `up` asks again"]],
        ["looks added to a group", { looksCount: 1 }, { looksCount: 3 }, ["looks in the group: 1 → 3"], []],
        ["a first look that finished", { firstLookStatus: "processing" }, { firstLookStatus: "completed" }, ["first look: processing → completed"], []],
        ["an output that was not there before says nothing", {}, { status: "completed" }, [], []],
    ];
    for (const [name, before, after, notes, warnings] of cases) {
        it(name, () => assert.deepEqual(movedMessages(before, after), { notes, warnings }));
    }
    it("warns about a twin whose consent was declined, and nothing else", () => {
        assert.match(consentDeclinedWarning("t", "L1", { status: "failed", error: { code: "consent_rejected" } })!, /will not train: the person declined consent.*pulumi up --replace/);
        assert.equal(consentDeclinedWarning("t", "L1", { status: "failed", error: { code: "training_failed" } }), undefined);
        assert.equal(consentDeclinedWarning("t", "L1", { status: "pending_consent" }), undefined);
    });
});

describe("ownership: small rules", () => {
    it("a hidden input changed only when both sides have it (state of 0.1.0 has no __urn)", () => {
        assert.equal(hiddenChanged({ __urn: "a" }, { __urn: "b" }), true);
        assert.equal(hiddenChanged({ __identity: "a" }, { __identity: "b" }), true);
        assert.equal(hiddenChanged({}, { __urn: "b" }), false);
        assert.equal(hiddenChanged({ __urn: "a" }, { __urn: "a" }), false);
    });
    it("a replacement without a source to make it from is refused, naming it", () => {
        assert.match(sourceBlocksReplace("photo look \"A\"", ["groupId"], "image", undefined)!, /changing groupId needs a new object, made from image, which is not declared/);
        assert.equal(sourceBlocksReplace("x", ["groupId"], "image", { url: "u" }), undefined);
        assert.equal(sourceBlocksReplace("x", [], "image", undefined), undefined);
    });
    it("the targeted up a blocked destroy advises names the resource's URN, or says where to find it", () => {
        assert.equal(targetedUp("urn:pulumi:dev::p::t::n"), "pulumi up --target 'urn:pulumi:dev::p::t::n'");
        assert.match(targetedUp(undefined), /pulumi stack --show-urns/);
    });
});

describe("ownership: accepting a group's new name", () => {
    it("warns when the first look, named after the group, is renamed with it; not when it has a name of its own", async () => {
        const { decideGroupDiff } = await import("../../provider/resources/avatarGroup");
        const firstLook = { type: "photo", image: { url: "https://x.example/a.jpg" } };
        // Created as "Sarah" (first look named after it), renamed "Sara" in the web app, seen by a refresh.
        const olds = { name: "Sara", declaredName: "Sarah", firstLook, firstLookName: "Sarah" };
        const accept = decideGroupDiff(olds, { name: "Sara", firstLook });
        assert.deepEqual(accept.replaces, []);
        assert.match(accept.warnings.join(), /accepting the group's name also renames its first look from "Sarah" to "Sara".*set firstLook.name to "Sarah"/);
        const kept = decideGroupDiff(olds, { name: "Sara", firstLook: { ...firstLook, name: "Sarah" } });
        assert.deepEqual(kept.warnings, []);
    });
});

describe("ownership: a look adopting a group's first look (handlers against the emulator)", () => {
    it("fails the preview, naming the group that manages it", async function () {
        this.timeout(20_000);
        const { startEmulator } = await import("../../emulator");
        const { configure, run } = await import("../../provider/handlers");
        const emu = await startEmulator();
        try {
            configure({ config: { get: (k: string) => ({ "heygen:apiKey": emu.apiKey, "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
            forgetProcess();
            const made = await (await fetch(`${emu.url}/v3/avatars`, {
                method: "POST", headers: { "X-Api-Key": emu.apiKey, "Content-Type": "application/json" },
                body: JSON.stringify({ type: "photo", name: "Sarah", file: { type: "url", url: "https://cdn.example.com/s.jpg" } }),
            })).json() as any;
            const groupId = made.data.avatar_group.id;
            const firstLookId = made.data.avatar_item.id;
            const group = { name: "Sarah", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, __identity: "t/dev/heygen:AvatarGroup/sarah" };
            // The group is in state: the engine diffs it (it owns its first look).
            await run({ kind: "avatarGroup" }, "diff", [groupId, { ...group, groupId, firstLookId, firstLookName: "Sarah", declaredName: "Sarah" }, group]);
            const r = (await run({ kind: "photoLook" }, "check", [{}, { groupId, name: "Sarah", adoptLookId: firstLookId, __identity: "t/dev/heygen:PhotoLook/again" }])) as { failures: { property: string; reason: string }[] };
            // Its name is the first look's, in the same group: that claim speaks first, naming the group.
            assert.match(r.failures.map((f) => `${f.property}: ${f.reason}`).join(), /^name: "Sarah" is also the name of a look managed by AvatarGroup "sarah"/);
            const renamed = (await run({ kind: "photoLook" }, "check", [{}, { groupId, name: "Sarah 2", adoptLookId: firstLookId, __identity: "t/dev/heygen:PhotoLook/again2" }])) as { failures: { property: string; reason: string }[] };
            assert.match(renamed.failures.map((f) => `${f.property}: ${f.reason}`).join(), /adoptLookId: look [0-9a-f]+ is managed by AvatarGroup "sarah" in this stack already/);
        } finally {
            await emu.stop();
        }
    });
});
