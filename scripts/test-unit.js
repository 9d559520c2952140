// `npm run test:unit [-- mocha args]`: the type check and the unit tests at the same time. The tests spend
// most of their time waiting (on the emulator, on processes they start), so on 2 cores the type check costs
// no wall time beside them; run one after the other, the tier took 15 s longer. The type check's output is
// printed after the tests', so the two never interleave; either failing fails the tier.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const bin = (name) => path.join(__dirname, "..", "node_modules", ".bin", name);
const tsc = spawn(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: path.join(__dirname, "..") });
let tscOut = "";
tsc.stdout.on("data", (d) => (tscOut += d));
tsc.stderr.on("data", (d) => (tscOut += d));
const tscDone = new Promise((resolve) => tsc.on("close", resolve));

const args = process.argv.slice(2);
// Files given (`npm run test:unit -- tests/unit/client.test.ts`) replace the tier's; options (--grep) add to it.
const files = args.some((a) => /\.ts$|\*/.test(a));
const mocha = spawn(bin("mocha"), files ? args : ["tests/unit/**/*.test.ts", ...args], { stdio: "inherit", cwd: path.join(__dirname, "..") });
mocha.on("close", async (mochaCode) => {
    const tscCode = await tscDone;
    if (tscOut) process.stdout.write(tscOut);
    console.log(tscCode === 0 ? "type check: ok" : `type check: failed (tsc exited ${tscCode})`);
    process.exit(mochaCode !== 0 ? mochaCode ?? 1 : tscCode === 0 ? 0 : 1);
});
