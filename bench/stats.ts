// The few statistics the benchmark prints: a median with its spread, taken over repetitions. Ratios are
// computed within one repetition first (the variants ran side by side there), then summarised, so a burst
// of noise between repetitions moves a ratio's spread rather than its median.

export interface Spread {
    median: number;
    min: number;
    max: number;
    /** Quartiles (linear interpolation between order statistics). */
    q1: number;
    q3: number;
    /** Every value, in repetition order. */
    values: number[];
}

/** The q-quantile of xs (0 ≤ q ≤ 1), interpolating linearly between the sorted values. */
export function quantile(xs: number[], q: number): number {
    if (xs.length === 0) return NaN;
    const s = [...xs].sort((a, b) => a - b);
    const at = (s.length - 1) * q;
    const lo = Math.floor(at);
    const hi = Math.ceil(at);
    return s[lo] + (s[hi] - s[lo]) * (at - lo);
}

export const median = (xs: number[]) => quantile(xs, 0.5);

export function spread(values: number[]): Spread {
    return {
        median: quantile(values, 0.5),
        min: Math.min(...values),
        max: Math.max(...values),
        q1: quantile(values, 0.25),
        q3: quantile(values, 0.75),
        values,
    };
}

/** Per-repetition ratios a[i] / b[i] (the two measured in the same repetition), summarised. */
export function ratioSpread(a: number[], b: number[]): Spread {
    if (a.length !== b.length) throw new Error(`ratio of ${a.length} against ${b.length} repetitions`);
    return spread(a.map((x, i) => x / b[i]));
}

export const round = (x: number, digits = 2) => +x.toFixed(digits);

/** `1.04 [0.98–1.12]`: a ratio's median and its range, as the tables print it. */
export const fmtRatio = (s: Spread) => `${s.median.toFixed(2)} [${s.min.toFixed(2)}–${s.max.toFixed(2)}]`;
