// The hwprobe action's rendering step (run.sh calls it after the run): from the saved report, the
// verdicts and the baseline diff, writes summary.md (the job summary), verdicts.json, prints the annotations
// (GitHub workflow commands) and writes hwprobe.<ext> in the requested format, all through the
// hwprobe library. Usage: node render.mjs PACKAGE_DIR WORK_DIR FORMAT EXT [EXPECT...]
// The baseline comes from INPUT_BASELINE and INPUT_TOLERANCE, as in run.sh.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, work, format, ext, ...expect] = process.argv.slice(2);
const hw = await import(pathToFileURL(join(pkg, 'dist/src/index.js')).href);
const report = await hw.loadReport(join(work, 'report.json'));
const outcome = { report };
if (expect.length) outcome.check = await hw.check(report, expect);
if (process.env.INPUT_BASELINE) {
  const base = await hw.loadReport(process.env.INPUT_BASELINE);
  outcome.diff = await hw.diff(base, report, { tolerance: Number(process.env.INPUT_TOLERANCE || '0.25') });
}
writeFileSync(join(work, 'summary.md'), await hw.render(outcome, 'markdown'));
// The `verdicts` output (one line of JSON, for fromJSON()): each requirement's verdict, and the diff's.
const verdicts = (outcome.check?.verdicts ?? []).map((v) => ({
  expectation: v.expectation,
  kind: v.kind,
  subject: v.subject,
  label: v.label,
  severity: v.severity,
  status: v.status,
  reason: v.reasons[0] ?? null,
}));
const baseline = outcome.diff ? { ok: outcome.diff.ok, lost: outcome.diff.lost, degraded: outcome.diff.degraded, regressed: outcome.diff.regressed } : null;
writeFileSync(join(work, 'verdicts.json'), JSON.stringify({ ok: (outcome.check?.ok ?? true) && (outcome.diff?.ok ?? true), verdicts, baseline }));
// Annotations: one workflow command per failed requirement, regression or (without either) finding.
process.stdout.write(await hw.render(outcome, 'github'));
if (format !== 'github') {
  const text = format === 'json' ? await hw.render({ report }, 'json') : await hw.render(outcome, format);
  writeFileSync(join(work, `hwprobe.${ext}`), text);
  if (format === 'text' || format === 'markdown') process.stdout.write(text);
} else writeFileSync(join(work, `hwprobe.${ext}`), await hw.render(outcome, 'github'));
