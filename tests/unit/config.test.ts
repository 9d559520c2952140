// The provider's settings from the environment: pure decisions, table-tested.
import { strict as assert } from "assert";
import { WRITE_TIMEOUT_VAR, timeoutsFromEnv } from "../../provider/settings";

describe("config: the write timeout from the environment", () => {
    const cases: [string | undefined, { writeMs?: number } | RegExp][] = [
        [undefined, {}],
        ["", {}],
        ["  ", {}],
        ["120", { writeMs: 120_000 }],
        ["1.5", { writeMs: 1500 }],
        ["0", /must be a number of seconds greater than 0 .*not '0'/],
        ["-3", /not '-3'/],
        ["2m", /HEYGEN_WRITE_TIMEOUT_SECONDS must be a number of seconds/],
    ];
    for (const [value, expected] of cases) {
        it(`${WRITE_TIMEOUT_VAR}=${JSON.stringify(value)} → ${expected instanceof RegExp ? "a clear error" : JSON.stringify(expected)}`, () => {
            const env = value === undefined ? {} : { [WRITE_TIMEOUT_VAR]: value };
            if (expected instanceof RegExp) assert.throws(() => timeoutsFromEnv(env), expected);
            else assert.deepEqual(timeoutsFromEnv(env), expected);
        });
    }
});
