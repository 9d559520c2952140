// Installs this package into its own node_modules (a copy of package.json and dist/, as `npm install`
// of the published package would lay it out), so that programs in this repository — the main job,
// examples, tests — load `pulumi-heygen` exactly as users do. That matters for the serialized provider:
// only a package that really sits in node_modules is written into state as a bare `require(...)`
// (see provider/shim.ts); a symlink (as npm workspaces make) would resolve outside node_modules, which is
// why the provider is the root package and not a workspace. Runs after every build.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const target = path.join(root, "node_modules", "pulumi-heygen");
const staging = `${target}.${process.pid}.tmp`;

fs.rmSync(staging, { recursive: true, force: true });
fs.mkdirSync(staging, { recursive: true });
// Exactly what `npm pack` ships: package.json and the `files` it lists.
const pkg = require(path.join(root, "package.json"));
fs.copyFileSync(path.join(root, "package.json"), path.join(staging, "package.json"));
for (const entry of pkg.files) {
    if (!fs.existsSync(path.join(root, entry))) throw new Error(`install-self: ${entry} (in package.json "files") does not exist; run the build first`);
    fs.cpSync(path.join(root, entry), path.join(staging, entry), { recursive: true });
}
// Swap in whole: a program starting meanwhile sees the old copy or the new one, never half of one.
const old = `${target}.${process.pid}.old`;
if (fs.existsSync(target) || isLink(target)) fs.renameSync(target, old);
fs.renameSync(staging, target);
fs.rmSync(old, { recursive: true, force: true });

function isLink(p) {
    try {
        return fs.lstatSync(p).isSymbolicLink();
    } catch {
        return false;
    }
}

// The package's command (`pulumi-heygen review`), linked as npm links an installed package's bin.
for (const [name, rel] of Object.entries(pkg.bin ?? {})) {
    const bin = path.join(root, "node_modules", ".bin", name);
    fs.chmodSync(path.join(target, rel), 0o755);
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    fs.rmSync(bin, { force: true });
    fs.symlinkSync(path.relative(path.dirname(bin), path.join(target, rel)), bin);
}
