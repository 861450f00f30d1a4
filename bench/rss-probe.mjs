// Loaded with `node --import`: on exit, writes the process's peak RSS, CPU time and (on
// Linux) its /proc/self/io counters to $BENCH_RSS_FILE as JSON
// ({ maxRssBytes, cpuUserUs, cpuSystemUs, io: { wchar, write_bytes, … } }).
import { readFileSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const cpu = process.cpuUsage();
  const probe = { maxRssBytes: process.resourceUsage().maxRSS * 1024, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, io: procIo() };
  writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify(probe));
});

function procIo() {
  try {
    return Object.fromEntries(
      readFileSync('/proc/self/io', 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(': '))
        .map(([key, value]) => [key, Number(value)]),
    );
  } catch {
    return undefined;
  }
}
