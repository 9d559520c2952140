// The serialized provider. Pulumi stores the provider object in every resource's state and runs that
// stored code for read and delete (the closure serializer captures what the object references, by value
// for local code; pulumi/pulumi#6238, #8265), so it must hold no code worth keeping and no secret:
// - Each kind's provider object is the whole export of its own module in `serialized/`. When the package
//   is installed (in node_modules), the closure serializer writes such an object as a bare
//   `require("pulumi-heygen/dist/provider/serialized/<kind>.js")`: a few hundred bytes, and read/delete
//   always run the installed version. Those paths are written into users' state: never move them.
// - Should it be serialized by value (a linked checkout), each method still only `require`s the
//   installed package at run time and forwards to it: nothing of the handlers is inlined.
// - The handlers are required by their real path. Node keeps the path of a bare specifier resolved through
//   package `exports` as it found it (through a symlinked node_modules: pnpm, a linked checkout), while the
//   handlers' own relative requires resolve to real paths: without this the provider process would load
//   two copies of the package, and the configuration (`heygen:apiKey`) given to one would be missing in
//   the other. The module found is kept under a global symbol (nothing captured, so it serializes the
//   same): resolving and realpath-ing it on every call cost a no-op preview of 300 looks some 4,000 lstats.
import type * as pulumi from "@pulumi/pulumi";

export type ResourceKind = "avatarGroup" | "photoLook" | "promptLook" | "digitalTwinLook" | "consentRequest";

export type HeyGenProvider = pulumi.dynamic.ResourceProvider & { kind: ResourceKind };

/** A provider whose every method forwards to `pulumi-heygen/handlers` in the provider process. */
export function makeProvider(kind: ResourceKind): HeyGenProvider {
    return {
        kind,
        configure() {
            return ((globalThis as any)[Symbol.for("pulumi-heygen/handlers")] ??= require(require("fs").realpathSync(require.resolve("pulumi-heygen/handlers")))).run(this, "configure", arguments);
        },
        check() {
            return ((globalThis as any)[Symbol.for("pulumi-heygen/handlers")] ??= require(require("fs").realpathSync(require.resolve("pulumi-heygen/handlers")))).run(this, "check", arguments);
        },
        diff() {
            return ((globalThis as any)[Symbol.for("pulumi-heygen/handlers")] ??= require(require("fs").realpathSync(require.resolve("pulumi-heygen/handlers")))).run(this, "diff", arguments);
        },
        create() {
            return ((globalThis as any)[Symbol.for("pulumi-heygen/handlers")] ??= require(require("fs").realpathSync(require.resolve("pulumi-heygen/handlers")))).run(this, "create", arguments);
        },
        read() {
            return ((globalThis as any)[Symbol.for("pulumi-heygen/handlers")] ??= require(require("fs").realpathSync(require.resolve("pulumi-heygen/handlers")))).run(this, "read", arguments);
        },
        update() {
            return ((globalThis as any)[Symbol.for("pulumi-heygen/handlers")] ??= require(require("fs").realpathSync(require.resolve("pulumi-heygen/handlers")))).run(this, "update", arguments);
        },
        delete() {
            return ((globalThis as any)[Symbol.for("pulumi-heygen/handlers")] ??= require(require("fs").realpathSync(require.resolve("pulumi-heygen/handlers")))).run(this, "delete", arguments);
        },
    } as HeyGenProvider;
}

/**
 * The one provider object per kind (the program serializes each once: pitfall 6). Every resource
 * constructor calls it in the program, so the program's configuration check runs here (once).
 */
export function providerFor(kind: ResourceKind): HeyGenProvider {
    require("./settings").checkProgramConfig();
    return require(`./serialized/${kind}`);
}
