import type { Registry } from 'prom-client';

/**
 * Counters and histograms for the per-request path. prom-client hashes and validates the label set
 * on every inc/observe, even through a `labels()` child (sorting label names, building a string),
 * which cost the proxy ~8 µs per request for its three updates (bench/profile, docs/proxy.md). Here
 * a label set is resolved once to a series object and an update is an addition (a bucket search
 * for histograms). Exposition is prom-client's: the metrics register in a prom-client Registry and
 * print in its format (bucket lines as `{le="…",<labels>}`).
 */

type Labels<L extends string> = Record<L, string | number>;

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

interface Options<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

abstract class SeriesMetric<L extends string, S> {
  readonly name: string;
  readonly help: string;
  abstract readonly type: 'counter' | 'histogram';
  readonly aggregator = 'sum';
  protected readonly labelNames: readonly L[];
  protected series = new Map<string, { labels: Labels<L>; series: S }>();

  constructor(opts: Options<L>) {
    this.name = opts.name;
    this.help = opts.help;
    this.labelNames = opts.labelNames;
    for (const registry of opts.registers) registry.registerMetric(this as never);
  }

  protected abstract create(): S;

  /** The series of one label set, made on first use and kept (label values are bounded by the caller). */
  labels(labels: Labels<L>): S {
    let key = '';
    for (const name of this.labelNames) key += `${labels[name]}\u0000`;
    let entry = this.series.get(key);
    if (!entry) {
      const own = {} as Labels<L>;
      for (const name of this.labelNames) {
        if (labels[name] === undefined) throw new Error(`${this.name}: label ${name} missing`);
        own[name] = labels[name];
      }
      entry = { labels: own, series: this.create() };
      this.series.set(key, entry);
    }
    return entry.series;
  }

  reset(): void {
    this.series.clear();
  }

  protected abstract values(): MetricValue[];

  /** What prom-client's Registry reads. */
  async get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    return { name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator };
  }
}

/** A counter series: `inc()` adds one. */
export class CounterSeries {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

/** A monotonic counter whose label sets resolve once to a CounterSeries. */
export class RequestCounter<L extends string> extends SeriesMetric<L, CounterSeries> {
  readonly type = 'counter';
  protected create(): CounterSeries {
    return new CounterSeries();
  }
  protected values(): MetricValue[] {
    return [...this.series.values()].map(({ labels, series }) => ({ value: series.value, labels: { ...labels } }));
  }
}

/** A histogram series over fixed upper bounds: `observe(v)` counts v in the first bucket it fits. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

/** A histogram (cumulative `_bucket`, `_sum`, `_count`) whose label sets resolve once to a HistogramSeries. */
export class RequestHistogram<L extends string> extends SeriesMetric<L, HistogramSeries> {
  readonly type = 'histogram';
  private readonly buckets: readonly number[];
  constructor(opts: Options<L> & { buckets: readonly number[] }) {
    super(opts);
    this.buckets = [...opts.buckets].sort((a, b) => a - b);
  }
  protected create(): HistogramSeries {
    return new HistogramSeries(this.buckets);
  }
  /** Observe through the label set (resolves the series; prefer keeping the series). */
  observe(labels: Labels<L>, value: number): void {
    this.labels(labels).observe(value);
  }
  protected values(): MetricValue[] {
    const out: MetricValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, series } of this.series.values()) {
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += series.counts[i]!;
        out.push({ value: acc, labels: { le: this.buckets[i]!, ...labels }, metricName: bucket });
      }
      out.push({ value: series.count, labels: { le: '+Inf', ...labels }, metricName: bucket });
      out.push({ value: series.sum, labels: { ...labels }, metricName: `${this.name}_sum` });
      out.push({ value: series.count, labels: { ...labels }, metricName: `${this.name}_count` });
    }
    return out;
  }
}
