// Two runs of the benchmark side by side: for every ratio both measured, the difference of the medians
// and whether each run's median lies within the other's range (min–max over its repetitions). "Agree"
// means both do: the two runs' figures are as close as either run's own repetitions are to each other.
//
//   npm run bench -- --compare earlier.json              (run, then compare the new run with earlier.json)
//   npm run bench -- --compare earlier.json later.json   (compare two saved runs; nothing is run)
import type { Spread } from "./stats";

export interface RatioRow {
    n: number;
    op: string;
    variant: string;
    /** variant ÷ floor, per repetition, summarised (absent for the floor itself). */
    ratio?: Spread;
}

export interface BenchResult {
    date: string;
    rows: RatioRow[];
}

export interface Comparison {
    rows: { n: number; op: string; variant: string; a: Spread; b: Spread; diff: number; bInA: boolean; aInB: boolean }[];
    agree: number;
    largest?: { key: string; diff: number };
}

const within = (x: number, s: Spread) => x >= s.min && x <= s.max;

export function compare(a: BenchResult, b: BenchResult): Comparison {
    const rows: Comparison["rows"] = [];
    for (const rb of b.rows) {
        const ra = a.rows.find((r) => r.n === rb.n && r.op === rb.op && r.variant === rb.variant);
        if (!ra?.ratio || !rb.ratio) continue;
        rows.push({ n: rb.n, op: rb.op, variant: rb.variant, a: ra.ratio, b: rb.ratio, diff: rb.ratio.median - ra.ratio.median, bInA: within(rb.ratio.median, ra.ratio), aInB: within(ra.ratio.median, rb.ratio) });
    }
    const agree = rows.filter((r) => r.bInA && r.aInB).length;
    const top = [...rows].sort((x, y) => Math.abs(y.diff) - Math.abs(x.diff))[0];
    return { rows, agree, largest: top && { key: `${top.variant} ÷ floor, ${top.op}, N = ${top.n}`, diff: top.diff } };
}

export function compareMarkdown(a: BenchResult, b: BenchResult, c: Comparison, labels = ["earlier run", "this run"]): string[] {
    const f = (s: Spread) => `${s.median.toFixed(2)} [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`;
    const yes = (x: boolean) => (x ? "yes" : "**no**");
    return [
        `## Two runs compared`,
        ``,
        `${labels[0]}: ${a.date.replace("T", " ").slice(0, 16)} UTC; ${labels[1]}: ${b.date.replace("T", " ").slice(0, 16)} UTC. ` +
            `Each cell: the median over the repetitions of the per-repetition ratio to the floor [lowest–highest]. ` +
            `*Agree*: each run's median lies within the other run's range.`,
        ``,
        `${c.agree} of ${c.rows.length} ratios agree` +
            (c.largest ? `; the largest difference between the medians: ${c.largest.diff >= 0 ? "+" : ""}${c.largest.diff.toFixed(2)} (${c.largest.key}).` : "."),
        ``,
        `| N | operation | ratio | ${labels[0]} | ${labels[1]} | difference | ${labels[1]}'s median in ${labels[0]}'s range | ${labels[0]}'s median in ${labels[1]}'s range | agree |`,
        `|---:|---|---|---:|---:|---:|---|---|---|`,
        ...c.rows.map((r) => `| ${r.n} | ${r.op} | ${r.variant} ÷ floor | ${f(r.a)} | ${f(r.b)} | ${r.diff >= 0 ? "+" : ""}${r.diff.toFixed(2)} | ${yes(r.bInA)} | ${yes(r.aInB)} | ${yes(r.bInA && r.aInB)} |`),
        ``,
    ];
}
