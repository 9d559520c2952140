// Mocha's spec reporter, closing with the plain "N passed, N failed" line that CI reads in any language.
"use strict";
const Spec = require("mocha/lib/reporters/spec");

class Reporter extends Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once("end", () => {
            const s = runner.stats;
            console.log(`${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ""}`);
        });
    }
}

module.exports = Reporter;
