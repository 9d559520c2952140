#!/usr/bin/env node
// The heygen-emulator command. It is committed (not built) so that npm links it when it installs the
// workspace, before the build has made dist/: a bin pointing into dist/ would get no link at all.
"use strict";
try {
    require.resolve("../dist/emulator/cli.js");
} catch {
    process.stderr.write("heygen-emulator: not built yet: run `npm run build` (npm install does it) in the repository\n");
    process.exit(1);
}
require("../dist/emulator/cli.js");
