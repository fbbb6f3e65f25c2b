// One plain closing line, "N passed, N failed, N skipped", that CI systems read
// whatever the test runner (vitest's own summary comes just before it).
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const count = (state: 'passed' | 'failed' | 'skipped') =>
      modules.reduce((n, m) => n + [...m.children.allTests(state)].length, 0);
    process.stdout.write(
      `\nvitest: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n`,
    );
  }
}
