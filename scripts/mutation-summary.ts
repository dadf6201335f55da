/**
 * Prints the mutation score per folder from Stryker's JSON report: (killed + timeout) over all
 * valid mutants, mutants no test covers counted as survivors. Exits 1 below the goal unless given
 * --no-goal (a run over a few changed files says little about the whole).
 */
import { readFileSync } from 'node:fs';

const GOAL = 85;
const REPORT = 'reports/mutation/mutation.json';

interface Mutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const report = JSON.parse(readFileSync(REPORT, 'utf8')) as Report;
const tally = new Map<string, { detected: number; valid: number; survived: number; noCoverage: number; ignored: number }>();
const count = (key: string) => {
  let t = tally.get(key);
  if (!t) tally.set(key, (t = { detected: 0, valid: 0, survived: 0, noCoverage: 0, ignored: 0 }));
  return t;
};
for (const [file, { mutants }] of Object.entries(report.files)) {
  const folder = file.split('/').slice(0, 2).join('/');
  for (const { status } of mutants) {
    for (const t of [count(folder), count('total')]) {
      if (status === 'Ignored') t.ignored += 1;
      if (status === 'Killed' || status === 'Timeout') t.detected += 1;
      if (status === 'Survived') t.survived += 1;
      if (status === 'NoCoverage') t.noCoverage += 1;
      if (['Killed', 'Timeout', 'Survived', 'NoCoverage'].includes(status)) t.valid += 1;
    }
  }
}
const score = (t: { detected: number; valid: number }) => (t.valid === 0 ? 100 : (100 * t.detected) / t.valid);
const row = (name: string, t: NonNullable<ReturnType<typeof tally.get>>) =>
  `${name.padEnd(14)} ${score(t).toFixed(1).padStart(6)}%  ${String(t.detected).padStart(5)} / ${String(t.valid).padEnd(5)}  survived ${t.survived}, no coverage ${t.noCoverage}, ignored ${t.ignored}`;
console.log('Mutation score (killed + timeout over valid mutants; no coverage counts as survived)');
for (const folder of [...tally.keys()].filter((k) => k !== 'total').sort()) console.log(row(folder, tally.get(folder)!));
const total = count('total');
console.log(row('total', total));
const survivors = Object.entries(report.files).flatMap(([file, { mutants }]) =>
  mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').map((m) => `  ${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '').slice(0, 80)}`),
);
if (survivors.length > 0) console.log(`Survivors (details in reports/mutation/mutation.html):\n${survivors.join('\n')}`);
console.log('Results kept for the next run in test/mutation/stryker-incremental.json: commit it with your change (README "Mutation testing").');
if (score(total) < GOAL && !process.argv.includes('--no-goal')) {
  console.error(`okta-aws mutation score ${score(total).toFixed(1)}% is below the goal of ${GOAL}%: kill the survivors listed in reports/mutation/mutation.html, or mark a true equivalent in stryker.config.mjs.`);
  process.exitCode = 1;
}
