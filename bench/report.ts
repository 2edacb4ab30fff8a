/**
 * Turns the measurements into the markdown report: the machine, the load
 * table, the delivery and verification figures and the target checks.
 */
import type { LoadResult } from './load.js';

export interface LoadRow extends LoadResult {
  adapter: string;
  endpoint: string;
}

export interface DeliveryRow {
  adapter: string;
  events: number;
  delivered: number;
  failed: number;
  duplicates: number;
  seconds: number;
  perSecond: number;
}

export interface VerifyFigures {
  ours: number;
  library: number;
}

/** The progress cases of the three profiled users, by label. */
export interface ProgressCases {
  light: string;
  mid: string;
  heavy: string;
}

/** A target and whether this run met it. */
export interface Check {
  target: string;
  measured: string;
  pass: boolean | null;
}

export interface Report {
  machine: string[];
  rows: LoadRow[];
  deliveries: DeliveryRow[];
  verify: VerifyFigures | null;
  checks: Check[];
  notes: string[];
}

const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

function table(head: string[], rows: string[][], right: number[]): string {
  const align = head.map((_, i) => (right.includes(i) ? '---:' : '---'));

  return [head, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

function loadTable(rows: LoadRow[]): string {
  return table(
    ['adapter', 'endpoint', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors'],
    rows.map((r) => [r.adapter, r.endpoint,
      whole.format(r.requestsPerSecond), ms(r.p50), ms(r.p95), ms(r.p99),
      String(r.failures)]),
    [2, 3, 4, 5, 6],
  );
}

function deliveryTable(rows: DeliveryRow[]): string {
  return table(
    ['adapter', 'events', 'delivered', 'failed', 'duplicates', 'seconds',
      'deliveries/s'],
    rows.map((r) => [r.adapter, whole.format(r.events),
      whole.format(r.delivered), String(r.failed), String(r.duplicates),
      r.seconds.toFixed(2), whole.format(r.perSecond)]),
    [1, 2, 3, 4, 5, 6],
  );
}

function verifyTable(figures: VerifyFigures): string {
  return table(['verifier', 'verifications/s'], [
    ['certboost-lms-api/verify', whole.format(figures.ours)],
    ['standardwebhooks', whole.format(figures.library)],
  ], [1]);
}

function checkList(checks: Check[]): string {
  const mark = (pass: boolean | null) =>
    pass === null ? 'n/a' : pass ? 'pass' : '**MISS**';

  return table(['target', 'measured', 'result'],
    checks.map((c) => [c.target, c.measured, mark(c.pass)]), []);
}

/** The whole report as markdown. */
export function renderReport(report: Report): string {
  const sections = [
    '# Benchmark results',
    report.machine.map((line) => `- ${line}`).join('\n'),
    '## Read endpoints\n\n' + loadTable(report.rows),
    '## Targets\n\n' + checkList(report.checks),
  ];

  if (report.deliveries.length > 0) {
    sections.push('## Webhook delivery\n\n' + deliveryTable(report.deliveries));
  }
  if (report.verify) {
    sections.push('## Webhook verification\n\n' + verifyTable(report.verify));
  }
  if (report.notes.length > 0) {
    sections.push('## Notes\n\n' +
      report.notes.map((note) => `- ${note}`).join('\n'));
  }

  return `${sections.join('\n\n')}\n`;
}

function find(rows: LoadRow[], adapter: string, endpoint: string) {
  return rows.find((r) => r.adapter === adapter && r.endpoint === endpoint);
}

/** Every read endpoint on PostgreSQL: p95 under 10 ms. */
function latencyChecks(rows: LoadRow[]): Check[] {
  return rows.filter((r) => r.adapter === 'postgres').map((r) => ({
    target: `PostgreSQL ${r.endpoint}: p95 < 10 ms`,
    measured: `${ms(r.p95)} ms`,
    pass: r.p95 < 10,
  }));
}

/** One adapter's p95 for `large` over its p95 for `small`, at most 1.3. */
function ratioCheck(
  rows: LoadRow[],
  adapter: string,
  [small, large]: [string, string],
  target: string,
): Check {
  const a = find(rows, adapter, small);
  const b = find(rows, adapter, large);
  const ratio = a && b ? b.p95 / a.p95 : Number.NaN;

  return {
    target: `${adapter}: ${target}`,
    measured: Number.isFinite(ratio)
      ? `${ratio.toFixed(2)}× (${ms(b!.p95)} vs ${ms(a!.p95)} ms)`
      : 'not measured',
    pass: Number.isFinite(ratio) ? ratio <= 1.3 : null,
  };
}

/**
 * Progress does not slow down with history. The target compares
 * the 10,000- and 10-attempt users; the latter returns only 10 attempts,
 * so 1,000 vs 10,000 (25 attempts each) isolates the history size.
 */
function historyChecks(rows: LoadRow[], cases: ProgressCases): Check[] {
  return ['postgres', 'memory'].flatMap((adapter) => [
    ratioCheck(rows, adapter, [cases.light, cases.heavy],
      '10,000-attempt progress (recent=25) p95 ≤ 1.3× the 10-attempt ' +
        'user\'s'),
    ratioCheck(rows, adapter, [cases.mid, cases.heavy],
      'diagnostic, same 25 attempts returned: 10,000- vs 1,000-attempt ' +
        'progress p95 ≤ 1.3×'),
  ]);
}

function overheadCheck(rows: LoadRow[], endpoint: string): Check {
  const bare = find(rows, 'bare Koa', endpoint);
  const memory = find(rows, 'memory', endpoint);
  const share = bare && memory
    ? memory.requestsPerSecond / bare.requestsPerSecond
    : Number.NaN;

  return {
    target: 'memory `GET /categories` req/s ≥ 85% of the bare route\'s',
    measured: Number.isFinite(share)
      ? `${(share * 100).toFixed(1)}% (${whole.format(memory!.requestsPerSecond)}` +
        ` vs ${whole.format(bare!.requestsPerSecond)})`
      : 'not measured',
    pass: Number.isFinite(share) ? share >= 0.85 : null,
  };
}

function deliveryCheck(rows: DeliveryRow[]): Check {
  const pg = rows.find((r) => r.adapter === 'postgres');

  return {
    target: 'PostgreSQL webhook delivery ≥ 1,500 deliveries/s',
    measured: pg ? `${whole.format(pg.perSecond)}/s` : 'not measured',
    pass: pg ? pg.perSecond >= 1500 && pg.failed === 0 : null,
  };
}

function verifyCheck(figures: VerifyFigures | null): Check {
  const ratio = figures ? figures.ours / figures.library : Number.NaN;

  return {
    target: 'verifyWebhook ≥ 3× the standardwebhooks library',
    measured: figures ? `${ratio.toFixed(2)}×` : 'not measured',
    pass: figures ? ratio >= 3 : null,
  };
}

/** The targets of issues 3 and 4, checked against this run. */
export function evaluate(
  rows: LoadRow[],
  deliveries: DeliveryRow[],
  verify: VerifyFigures | null,
  endpoints: ProgressCases & { categories: string },
): Check[] {
  return [
    ...latencyChecks(rows),
    ...historyChecks(rows, endpoints),
    overheadCheck(rows, endpoints.categories),
    deliveryCheck(deliveries),
    verifyCheck(verify),
  ];
}
