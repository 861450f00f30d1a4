// Loaded with `node --import`: on exit, writes the process's peak RSS, CPU time and (on
// Linux) its /proc/self/io counters to $BENCH_RSS_FILE as JSON
// ({ maxRssBytes, cpuUserUs, cpuSystemUs, io: { wchar, write_bytes, … } }).
import { readFileSync, writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (!process.env.BENCH_RSS_FILE) return;
  const cpu = process.cpuUsage();
  const probe = { maxRssBytes: peakRss(), cpuUserUs: cpu.user, cpuSystemUs: cpu.system, io: procIo() };
  writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify(probe));
});

/**
 * The peak RSS of this program alone. getrusage's maxRSS is not that on Linux: exec keeps the
 * high-water mark of the process it replaced, and libuv spawns children from a copy of the
 * parent, so a child of a 110 MB test worker reports at least 110 MB, and more whenever the
 * parent grew first. VmHWM belongs to the program's own address space.
 */
function peakRss() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // Not Linux: getrusage is the best there is.
  }
  return process.resourceUsage().maxRSS * 1024;
}

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
