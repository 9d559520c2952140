// What Pulumi writes into state as each resource's `__provider`, from the real closure serializer: for the
// installed package, a bare require of the kind's module (small, secret-free, always the installed code);
// serialized by value (a linked checkout), methods that only forward to the installed package.
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

const KINDS = ["avatarGroup", "photoLook", "promptLook", "digitalTwinLook", "consentRequest"] as const;
const METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"];
const requireFromString: (code: string) => { handler: () => Record<string, unknown> } = require("require-from-string");

describe("serialized providers", () => {
    before(() => {
        process.env.HEYGEN_API_KEY = "hg-secret-key-that-must-not-leak";
    });
    after(() => delete process.env.HEYGEN_API_KEY);

    // The package as users have it: installed in node_modules (scripts/install-self.js puts it there).
    // Loaded by path: inside this repository the name `pulumi-heygen` resolves to the checkout itself.
    const installed = require(path.join(__dirname, "..", "..", "node_modules", "pulumi-heygen", "dist", "provider", "shim.js"));

    for (const kind of KINDS) {
        it(`${kind}: the installed package serializes to a bare require under 2 KB`, async () => {
            const provider = installed.providerFor(kind);
            const { text } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
            assert.ok(text.length < 2048, `${text.length} bytes`);
            assert.ok(text.length < 600, `expected a few hundred bytes, got ${text.length}`);
            assert.match(text, new RegExp(`require\\("pulumi-heygen/dist/provider/serialized/${kind}\\.js"\\)`));
            assert.doesNotMatch(text, /hg-secret-key|axios|HeyGenClient|X-Api-Key/);
            // What the dynamic-provider process gets back: the installed kind's provider, every method present.
            const revived = requireFromString(text).handler();
            assert.equal(revived.kind, kind);
            for (const m of METHODS) assert.equal(typeof revived[m], "function", m);
        });
    }

    it("serialized by value (a linked checkout), methods only forward to the installed package", async () => {
        const { makeProvider } = await import("../../provider/shim");
        const { text } = await pulumi.runtime.serializeFunction(() => makeProvider("photoLook"));
        // Each method loads the installed handlers by their real path (see provider/shim.ts) and nothing else.
        const resolved = [...text.matchAll(/require\(require\("fs"\)\.realpathSync\(require\.resolve\("([^"]+)"\)\)\)/g)].map((m) => m[1]);
        assert.deepEqual([...new Set(resolved)], ["pulumi-heygen/handlers"]);
        assert.equal(resolved.length, METHODS.length);
        const modules = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        assert.deepEqual([...new Set(modules)], ["fs"]);
        assert.doesNotMatch(text, /hg-secret-key|axios|HeyGenClient/);
        assert.ok(text.length < 2400, `${text.length} bytes`);
    });
});
