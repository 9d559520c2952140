// `node scripts/clean.js DIR…`: removes build output before a build, so nothing a previous layout or a
// deleted source left behind is packed or installed.
"use strict";
const fs = require("fs");
for (const dir of process.argv.slice(2)) fs.rmSync(dir, { recursive: true, force: true });
