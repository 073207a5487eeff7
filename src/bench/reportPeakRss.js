'use strict';
// Preloaded into the measured meisai process by the bench (`node --require …/reportPeakRss.js
// bin/meisai …`): on exit, writes the process's peak resident set size in kilobytes and the CPU
// time it used (user + system) in microseconds (process.resourceUsage(), which covers its worker
// threads too, not child processes) to the file named by MEISAI_BENCH_PEAK_RSS_FILE, as
// "KILOBYTES MICROSECONDS". Plain CommonJS so that node loads it as is.
const { writeFileSync } = require('node:fs');

const target = process.env.MEISAI_BENCH_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}\n`);
  });
}
