// What `npm run bench` runs at each estate size, in which order, and how long that should take.
//
// The budget: the default run (N = 100 and 300, 5 repetitions) must finish in under 20 minutes on an idle
// 2-core machine. So at N = 100 and 300 it times the operations the targets are stated for (empty and
// no-op preview at both; up, rename all and destroy at 300; `up` at 100 too, since the no-op preview needs
// it), and the naive provider runs up to N = 100 only. Other sizes get every operation. BENCH_OPS picks
// the operations for every size, BENCH_NAIVE_MAX_N moves the naive limit, BENCH_FULL=1 runs everything
// everywhere (well over the budget).

export const OPS = ["preview (empty)", "up", "preview (no-op)", "refresh", "rename all", "destroy"] as const;
export type Op = (typeof OPS)[number];
export const VARIANTS = ["pulumi-heygen", "floor", "naive"] as const;
export type Variant = (typeof VARIANTS)[number];

/** The operations timed by default where the targets are stated (within 1.1× of the floor). */
const TARGET_OPS: Record<number, Op[]> = {
    100: ["preview (empty)", "up", "preview (no-op)"],
    300: ["preview (empty)", "up", "preview (no-op)", "rename all", "destroy"],
};

export interface Plan {
    n: number;
    reps: number;
    variants: Variant[];
    ops: Op[];
}

export interface PlanSettings {
    sizes: number[];
    reps: number;
    naiveMaxN: number;
    /** BENCH_OPS: the same operations at every size (`all`, or names separated by commas). */
    ops?: Op[];
    /** BENCH_VARIANTS: a subset (the floor is always run: every ratio is to it). */
    variants: Variant[];
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): PlanSettings {
    const full = env.BENCH_FULL === "1";
    const num = (v: string | undefined, d: number) => (v === undefined || v === "" ? d : Number(v));
    const list = (name: string, all: readonly string[]) => {
        const v = env[name];
        if (!v) return undefined;
        if (v === "all") return [...all];
        const xs = v.split(",").map((x) => x.trim());
        const unknown = xs.filter((x) => !all.includes(x));
        if (unknown.length) throw new Error(`${name}: 'all' or some of ${all.join(", ")} (separated by commas), not '${unknown.join(",")}'`);
        return xs;
    };
    const ops = full ? [...OPS] : (list("BENCH_OPS", OPS) as Op[] | undefined);
    const variants = list("BENCH_VARIANTS", VARIANTS) as Variant[] | undefined;
    const s: PlanSettings = {
        sizes: (env.BENCH_SIZES ?? "100,300").split(",").map(Number),
        reps: num(env.BENCH_REPS, 5),
        naiveMaxN: full ? Infinity : num(env.BENCH_NAIVE_MAX_N, 100),
        ops: ops && OPS.filter((o) => ops.includes(o)),
        variants: VARIANTS.filter((v) => v === "floor" || !variants || variants.includes(v)),
    };
    if (s.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_SIZES: positive integers separated by commas, not '${env.BENCH_SIZES}'`);
    if (!Number.isInteger(s.reps) || s.reps < 1) throw new Error(`BENCH_REPS: a positive integer, not '${env.BENCH_REPS}'`);
    // Every operation after `up` needs a stack that is up; that `up` is timed too.
    if (s.ops && !s.ops.includes("up") && s.ops.some((o) => o !== "preview (empty)")) s.ops = OPS.filter((o) => o === "up" || s.ops!.includes(o));
    return s;
}

export function plans(s: PlanSettings): Plan[] {
    return s.sizes.map((n) => ({
        n,
        reps: s.reps,
        variants: s.variants.filter((v) => v !== "naive" || n <= s.naiveMaxN),
        ops: s.ops ?? TARGET_OPS[n] ?? [...OPS],
    }));
}

/**
 * The order of the variants in repetition `rep`: every variant takes every position in turn, and every
 * variant follows every other one (for three: ABC BCA CAB, then ACB CBA BAC), so none always runs first,
 * last, or right after a particular other one.
 */
export function orderFor<T>(variants: readonly T[], rep: number): T[] {
    const k = variants.length;
    const round = Math.floor(rep / k) % 2;
    const shift = rep % k;
    const base = round === 0 ? [...variants] : [variants[0], ...[...variants.slice(1)].reverse()];
    return base.map((_, i) => base[(i + shift) % k]);
}

// The timing model behind the estimate: each operation's wall time at N = 10, 100 and 300 as measured
// before the interleaved harness (bench/results/latest.md of 2026-11-28, 2 cores, 50 ms latency), joined by
// the parabola through the three points; plus the harness's own overhead per stack and per measurement,
// measured in small runs of this harness. During a run the estimate is rescaled by how the finished
// repetitions compared with the model.
const REF_N = [10, 100, 300];
const REF_MS: Record<Variant, Record<Op, number[]>> = {
    "pulumi-heygen": {
        "preview (empty)": [1550, 3311, 8706], up: [2731, 5605, 18300], "preview (no-op)": [1495, 3718, 8083],
        refresh: [1793, 2526, 3437], "rename all": [2675, 6797, 25536], destroy: [1915, 3372, 11931],
    },
    floor: {
        "preview (empty)": [1399, 2444, 4439], up: [2474, 5610, 19191], "preview (no-op)": [1362, 2778, 5005],
        refresh: [1697, 2818, 5269], "rename all": [2519, 7367, 35138], destroy: [1676, 4379, 18427],
    },
    naive: {
        "preview (empty)": [1663, 4435, 11142], up: [2695, 8247, 31984], "preview (no-op)": [1619, 4640, 13383],
        refresh: [1924, 2701, 4547], "rename all": [2970, 9396, 54180], destroy: [1820, 4051, 29645],
    },
};
/** Per measurement: a GC, the request log, the memory probe's last write (150 ms). */
export const OVERHEAD_PER_MEASUREMENT_MS = 300;
/** Per stack and repetition: its avatar group, stack init, the state export after `up`, stack removal. */
export const overheadPerStackMs = (n: number) => 800 + 5 * n;
/** Once: `npm run build`, compiling the harness, starting the emulator, finding the engine. */
export const OVERHEAD_ONCE_MS = 20_000;

/** The model's wall time of one operation of one variant at size n. */
export function modelMs(v: Variant, op: Op, n: number): number {
    const y = REF_MS[v][op];
    // Lagrange form of the parabola through (REF_N[i], y[i]).
    let sum = 0;
    for (let i = 0; i < 3; i++) {
        let term = y[i];
        for (let j = 0; j < 3; j++) if (j !== i) term *= (n - REF_N[j]) / (REF_N[i] - REF_N[j]);
        sum += term;
    }
    return Math.max(sum, 500);
}

/** The model's wall time of one repetition of a plan. */
export function modelRepMs(p: Plan): number {
    let ms = p.variants.length * overheadPerStackMs(p.n);
    for (const v of p.variants) for (const op of p.ops) ms += modelMs(v, op, p.n) + OVERHEAD_PER_MEASUREMENT_MS;
    return ms;
}

export const modelTotalMs = (ps: Plan[]) => OVERHEAD_ONCE_MS + ps.reduce((a, p) => a + p.reps * modelRepMs(p), 0);

export const fmtDuration = (ms: number) => {
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
};

export function describePlan(ps: Plan[]): string[] {
    return ps.map((p) => `N = ${p.n}: ${p.reps} repetitions of ${p.variants.join(", ")}; ${p.ops.join(", ")} (model: ${fmtDuration(p.reps * modelRepMs(p))})`);
}
