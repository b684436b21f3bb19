// Prints one plain `N passed, N failed` line at the end, which CI counts.
class SummaryReporter {
  constructor() { this.passed = 0; this.failed = 0; this.skipped = 0; this.flaky = 0; }
  onTestEnd(test, result) {
    if (result.status === 'passed') {
      this.passed += 1;
      if (result.retry > 0) this.flaky += 1;
    }
    else if (result.status === 'skipped') this.skipped += 1;
    else if (result.retry === test.retries) this.failed += 1;
  }
  onEnd() {
    console.log(`browser tests: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
    if (this.flaky > 0) console.log(`browser tests passed on a retry (flaky): ${this.flaky}`);
  }
}
module.exports = SummaryReporter;
