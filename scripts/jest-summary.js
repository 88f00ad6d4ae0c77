// Prints jest's JSON report as one plain line, "N passed, N failed", for CI (which reads no
// jest summary). A report with no tests, or that could not be read, exits non-zero.
const fs = require('node:fs');

const file = process.argv[2];
let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  console.log('0 passed, 1 failed');
  console.error(`no jest report at ${file}: ${error.message}`);
  process.exit(1);
}
// Suites that failed to run (syntax errors, setup failures) count as failures too.
const brokenSuites = report.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
const failed = report.numFailedTests + brokenSuites;
console.log(`${report.numPassedTests} passed, ${failed} failed`);
if (report.numTotalTests === 0) process.exit(1);
