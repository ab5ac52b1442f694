// A strict parser for the Prometheus text exposition format (0.0.4), so tests fail on anything a scraper would
// reject: unknown line shapes, samples without a # TYPE family, bad names, bad label syntax or bad values.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
// Like Prometheus' own parser (Go's ParseFloat): NaN and Inf in any case; prom-client writes `Nan`.
const VALUE = '(?:[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?[Ii][Nn][Ff]|[Nn][Aa][Nn])';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (${VALUE})(?: (-?\\d+))?$`);
const LABEL_PAIR = new RegExp(`^(${LABEL})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`);
const SUFFIXES: Record<MetricType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const helps = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') continue;
    let match = HELP_LINE.exec(line);
    if (match) {
      helps.set(match[1], match[2]);
      continue;
    }
    match = TYPE_LINE.exec(line);
    if (match) {
      if (families.has(match[1])) throw new Error(`${where}: second # TYPE for ${match[1]}`);
      families.set(match[1], {
        name: match[1],
        type: match[2] as MetricType,
        help: helps.get(match[1]) ?? '',
        samples: [],
      });
      continue;
    }
    if (line.startsWith('#')) continue;
    match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`${where}: not a valid sample line`);
    const [, name, rawLabels, rawValue] = match;
    const family = familyOf(families, name);
    if (!family) throw new Error(`${where}: sample ${name} has no # TYPE family`);
    family.samples.push({ name, labels: parseLabels(rawLabels ?? '', where), value: parseValue(rawValue) });
  }
  for (const family of families.values()) family.help = helps.get(family.name) ?? family.help;
  return families;
}

function familyOf(families: Map<string, MetricFamily>, sampleName: string): MetricFamily | undefined {
  for (const family of families.values()) {
    if (SUFFIXES[family.type].some((suffix) => `${family.name}${suffix}` === sampleName)) return family;
  }
  return undefined;
}

function parseLabels(raw: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = raw;
  while (rest.length > 0) {
    const match = LABEL_PAIR.exec(rest);
    if (!match) throw new Error(`${where}: bad label syntax at ${JSON.stringify(rest)}`);
    if (match[1] in labels) throw new Error(`${where}: label ${match[1]} twice`);
    labels[match[1]] = match[2].replace(/\\(["\\n])/g, (_all, char: string) => (char === 'n' ? '\n' : char));
    rest = rest.slice(match[0].length);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest.length > 0) throw new Error(`${where}: expected , between labels at ${JSON.stringify(rest)}`);
  }
  return labels;
}

function parseValue(raw: string): number {
  const lower = raw.toLowerCase();
  if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return lower === 'nan' ? NaN : Number(raw);
}

/** The value of the one sample of `name` whose labels include `labels` (0 when there is none yet). */
export function sampleValue(
  families: Map<string, MetricFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const matches = [...families.values()]
    .flatMap((family) => family.samples)
    .filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  if (matches.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${matches.length} samples match`);
  return matches[0]?.value ?? 0;
}
