// Loaded with `node --import`: on exit, writes the process's peak RSS and CPU time to
// $BENCH_RSS_FILE as JSON ({ maxRssBytes, cpuUserUs, cpuSystemUs }).
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const cpu = process.cpuUsage();
  const probe = { maxRssBytes: process.resourceUsage().maxRSS * 1024, cpuUserUs: cpu.user, cpuSystemUs: cpu.system };
  writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify(probe));
});
