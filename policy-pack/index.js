// The policy pack pulumi-heygen ships: `pulumi preview --policy-pack node_modules/pulumi-heygen/policy-pack`
// (and `--policy-pack-config team-policy.json` for the team's settings). Needs @pulumi/policy installed
// in the project (`npm install --save-dev @pulumi/policy`).
"use strict";
require("../dist/provider/policy").heygenPolicyPack();
