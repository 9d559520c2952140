// The policy pack's rules as tables: each rule's pure decision on what the engine reports of resources
// (inputs at preview, with unknown values; outputs for resources the stack already has). The same rules
// stop a real `pulumi preview --policy-pack` in tests/e2e/policy.test.ts.
import { strict as assert } from "assert";
import { decideGroupDiff } from "../../provider/resources/avatarGroup";
import { decideLookDiff } from "../../provider/resources/lookLifecycle";
import { photoKind } from "../../provider/resources/photoLook";
import {
    type HeyGenObject, UNKNOWN, adoptedNotRetained, forceDestroyRefused, groupsOverLookLimit, kindOfType, namesNotMatching, parsePattern, twinsWithoutConsent,
} from "../../provider/policy/rules";

const urn = (kind: string, name: string) => `urn:pulumi:dev::p::pulumi-nodejs:dynamic/heygen:${kind}::${name}`;
const obj = (kind: HeyGenObject["kind"], name: string, props: Record<string, unknown> = {}, groupFrom: string[] = []): HeyGenObject =>
    ({ urn: urn(kind, name), kind, name, props, groupFrom });
const group = (name: string, props: Record<string, unknown> = {}) => obj("AvatarGroup", name, { name, firstLook: { type: "photo" }, ...props });
const twinGroup = (name: string, props: Record<string, unknown> = {}) => obj("AvatarGroup", name, { name, firstLook: { type: "digital_twin" }, ...props });

describe("policy rules", () => {
    it("kindOfType: only pulumi-heygen's dynamic types", () => {
        assert.equal(kindOfType("pulumi-nodejs:dynamic/heygen:AvatarGroup"), "AvatarGroup");
        assert.equal(kindOfType("pulumi-nodejs:dynamic/heygen:ConsentRequest"), "ConsentRequest");
        assert.equal(kindOfType("pulumi-nodejs:dynamic:Resource"), undefined);
        assert.equal(kindOfType("pulumi-nodejs:dynamic/heygen:Other"), undefined);
        assert.equal(kindOfType("aws:s3/bucket:Bucket"), undefined);
    });

    describe("a digital twin has a ConsentRequest for its group", () => {
        const sarah = group("sarah");
        const cases: { name: string; objects: HeyGenObject[]; missing: string[] }[] = [
            { name: "no twin: nothing asked", objects: [sarah, obj("PhotoLook", "casual", { groupId: UNKNOWN }, [sarah.urn])], missing: [] },
            { name: "a twin and no consent", objects: [sarah, obj("DigitalTwinLook", "studio", { groupId: UNKNOWN }, [sarah.urn])], missing: ["studio"] },
            { name: "consent from the twin's groupId (preview: unknown ids)", missing: [], objects: [sarah,
                obj("DigitalTwinLook", "studio", { groupId: UNKNOWN }, [sarah.urn]), obj("ConsentRequest", "c", { groupId: UNKNOWN }, [urn("DigitalTwinLook", "studio")])] },
            { name: "consent from the group's groupId", missing: [], objects: [sarah,
                obj("DigitalTwinLook", "studio", { groupId: UNKNOWN }, [sarah.urn]), obj("ConsentRequest", "c", { groupId: UNKNOWN }, [sarah.urn])] },
            { name: "consent for another group", missing: ["studio"], objects: [sarah, group("ben"),
                obj("DigitalTwinLook", "studio", { groupId: UNKNOWN }, [sarah.urn]), obj("ConsentRequest", "c", { groupId: UNKNOWN }, [urn("AvatarGroup", "ben")])] },
            { name: "known ids (a stack already applied)", missing: [], objects: [group("sarah", { groupId: "g1" }),
                obj("DigitalTwinLook", "studio", { groupId: "g1" }), obj("ConsentRequest", "c", { groupId: "g1" })] },
            { name: "known ids, consent for another id", missing: ["studio"], objects: [
                obj("DigitalTwinLook", "studio", { groupId: "g1" }), obj("ConsentRequest", "c", { groupId: "g2" })] },
            { name: "a group whose first look is a twin, no consent", missing: ["cleo"], objects: [twinGroup("cleo")] },
            { name: "a group whose first look is a twin, with consent", missing: [], objects: [twinGroup("cleo"), obj("ConsentRequest", "c", { groupId: UNKNOWN }, [urn("AvatarGroup", "cleo")])] },
            { name: "a twin in a group of another stack, by id", missing: [], objects: [obj("DigitalTwinLook", "t", { groupId: "ext" }), obj("ConsentRequest", "c", { groupId: "ext" })] },
        ];
        for (const c of cases) {
            it(c.name, () => {
                const got = twinsWithoutConsent(c.objects);
                assert.deepEqual(got.map((m) => /"([^"]+)"/.exec(m)![1]), c.missing);
                for (const m of got) assert.match(m, /Add `new heygen\.ConsentRequest\("[^"]+-consent", \{ groupId: \S+\.groupId/);
            });
        }
    });

    describe("forceDestroy is refused on the named stacks", () => {
        const cases: [string, HeyGenObject, string, string[], boolean][] = [
            ["group, prod, refused there", group("g", { forceDestroy: true }), "prod", ["prod"], true],
            ["look, prod", obj("PhotoLook", "l", { forceDestroy: true }), "prod", ["prod", "staging"], true],
            ["group, dev", group("g", { forceDestroy: true }), "dev", ["prod"], false],
            ["forceDestroy false", group("g", { forceDestroy: false }), "prod", ["prod"], false],
            ["not set", group("g"), "prod", ["prod"], false],
            ["no stacks named", group("g", { forceDestroy: true }), "prod", [], false],
            ["unknown (computed)", group("g", { forceDestroy: UNKNOWN }), "prod", ["prod"], false],
        ];
        for (const [name, o, stack, stacks, refused] of cases) {
            it(name, () => {
                const m = forceDestroyRefused(o, stack, stacks);
                assert.equal(!!m, refused);
                if (m) assert.match(m, new RegExp(`on stack "${stack}".*Remove \`forceDestroy: true\``));
            });
        }
    });

    describe("an adopted resource sets retainOnDelete", () => {
        const cases: [string, HeyGenObject, boolean][] = [
            ["adopted group without", group("g", { adoptGroupId: "g1" }), true],
            ["adopted group with", group("g", { adoptGroupId: "g1", retainOnDelete: true }), false],
            ["adopted look without", obj("PhotoLook", "l", { adoptLookId: "l1" }), true],
            ["adopted twin with", obj("DigitalTwinLook", "l", { adoptLookId: "l1", retainOnDelete: true }), false],
            ["adoption id unknown at preview, without", obj("PromptLook", "l", { adoptLookId: UNKNOWN }), true],
            ["not adopted", group("g"), false],
            ["not adopted, retained anyway", group("g", { retainOnDelete: true }), false],
            ["empty adoption id", obj("PhotoLook", "l", { adoptLookId: "" }), false],
            ["a consent request has no adoption", obj("ConsentRequest", "c", { adoptLookId: "x" }), false],
        ];
        for (const [name, o, violates] of cases) {
            it(name, () => {
                const m = adoptedNotRetained(o);
                assert.equal(!!m, violates);
                if (m) assert.match(m, /Pass `\{ retainOnDelete: true \}` in its resource options/);
            });
        }
    });

    describe("names follow the team's pattern", () => {
        const re = parsePattern("^[A-Z][a-z]+( - [a-z]+)?$") as RegExp;
        const cases: [string, HeyGenObject, string[]][] = [
            ["group and first look fine", group("g", { name: "Sarah", firstLook: { type: "photo", name: "Sarah - headshot" } }), []],
            ["group name off", group("g", { name: "sarah" }), ["name"]],
            ["first look name off", group("g", { name: "Sarah", firstLook: { type: "photo", name: "Sarah_Headshot" } }), ["firstLook.name"]],
            ["look off", obj("PhotoLook", "l", { name: "Sarah - Casual" }), ["name"]],
            ["look fine", obj("PromptLook", "l", { name: "Sarah - dreamy" }), []],
            ["unknown name (computed)", obj("PhotoLook", "l", { name: UNKNOWN }), []],
            ["consent requests have no name", obj("ConsentRequest", "c", { name: "whatever" }), []],
        ];
        for (const [name, o, inputs] of cases) {
            it(name, () => {
                const got = namesNotMatching(o, re, "Capitalised, then ' - ' and a lowercase word");
                assert.equal(got.length, inputs.length);
                got.forEach((m, i) => assert.match(m, new RegExp(`${inputs[i].replace(".", "\\.")} ".*" does not follow the team's naming pattern .*\\(Capitalised.*Rename it`)));
            });
        }
        it("an invalid pattern says so", () => {
            assert.match(parsePattern("([") as string, /"pattern" is not a valid regular expression .*fix it in the policy pack config/);
        });
    });

    describe("at most N looks per group", () => {
        const sarah = group("sarah", { name: "Sarah" });
        const look = (n: string, from = sarah.urn) => obj("PhotoLook", n, { groupId: UNKNOWN }, [from]);
        const cases: [string, HeyGenObject[], number, string[]][] = [
            ["first look + 2 = 3, max 3", [sarah, look("a"), look("b")], 3, []],
            ["first look + 3 = 4, max 3", [sarah, look("a"), look("b"), look("c")], 3, ["has 4 looks"]],
            ["looks through another look's groupId count too", [sarah, look("a"), obj("PhotoLook", "b", { groupId: UNKNOWN }, [urn("PhotoLook", "a")])], 2, ["has 3 looks"]],
            ["two groups, counted apart", [sarah, look("a"), group("ben"), look("b", urn("AvatarGroup", "ben"))], 2, []],
            ["known ids", [group("s", { groupId: "g1" }), obj("PhotoLook", "a", { groupId: "g1" }), obj("PhotoLook", "b", { groupId: "g1" })], 2, ["has 3 looks"]],
            ["a group this stack does not declare", [obj("PhotoLook", "a", { groupId: "ext" }), obj("PhotoLook", "b", { groupId: "ext" })], 1, ["group ext has 2 looks"]],
        ];
        for (const [name, objects, max, found] of cases) {
            it(name, () => {
                const got = groupsOverLookLimit(objects, max);
                assert.equal(got.length, found.length, got.join("\n"));
                got.forEach((m, i) => {
                    assert.ok(m.includes(found[i]), m);
                    assert.match(m, new RegExp(`more than the team's limit of ${max} .*Remove \\d+ of them from the program, or raise maxLooks`));
                });
            });
        }
    });
});

describe("the shipped policy pack", () => {
    it("reports the package's version (@pulumi/policy reads it from policy-pack/package.json)", () => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        assert.equal(require("../../policy-pack/package.json").version, require("../../package.json").version, "bump policy-pack/package.json with the package");
    });
});

describe("retainOnDelete as an input (what the policy pack sees of the option)", () => {
    it("adding or removing it changes nothing: no update, no replacement", () => {
        const group = { name: "Sarah", firstLook: { type: "photo", name: "Sarah - headshot", image: { url: "https://cdn.example.com/s.jpg" } } };
        const g = decideGroupDiff({ ...group, declaredName: "Sarah" }, { ...group, retainOnDelete: true });
        assert.equal(g.changes, false);
        assert.deepEqual(g.replaces, []);
        const look = { groupId: "g1", name: "Sarah - casual", image: { url: "https://cdn.example.com/c.jpg" } };
        for (const [olds, news] of [[look, { ...look, retainOnDelete: true }], [{ ...look, retainOnDelete: true }, look]]) {
            const d = decideLookDiff(photoKind, { ...olds, declaredName: look.name }, news);
            assert.equal(d.changes, false, JSON.stringify(d));
            assert.deepEqual(d.replaces, []);
        }
    });
});
