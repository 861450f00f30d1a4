/**
 * apply in a real terminal: a pseudo-terminal from util-linux `script`, a 100×30 screen, keys
 * typed into it. Covers what only a person at a terminal sees: the confirmation prompt, the
 * live listr2 view, and Ctrl-C at the prompt and during a run.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { parseLockText } from '../src/lock/read.js';
import { BIN } from './helpers/cli.js';
import { TEST_KEYS, submissions, useCampaigns } from './helpers/campaign.js';
import type { Workspace } from './helpers/workspace.js';

// util-linux's `script` (Linux); BSD's takes other arguments.
const HAS_PTY = process.platform === 'linux' && existsSync('/usr/bin/script');

interface Terminal {
  type(text: string): void;
  screen(): string;
  exited: Promise<number | null>;
}

function openTerminal(ws: Workspace, args: string[]): Terminal {
  const command = `stty cols 100 rows 30; exec ${process.execPath} ${BIN} ${args.join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: ws.dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm-256color', ...TEST_KEYS },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stdin.on('error', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return {
    type: (text) => child.stdin.write(text),
    // What a person reads: colours and cursor movement removed.
    screen: () => stripVTControlCharacters(output),
    exited: new Promise((resolve) => child.on('close', (code) => (clearTimeout(timer), resolve(code)))),
  };
}

async function waitFor(terminal: Terminal, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 300 && !pattern.test(terminal.screen()); i++) await delay(50);
  expect(terminal.screen()).toMatch(pattern);
}

describe.skipIf(!HAS_PTY)('apply in a terminal', () => {
  const campaign = useCampaigns();

  it('asks for yes, shows a live line per shot, and ends with the summary', async () => {
    const { emulator, ws } = await campaign({ latencyMs: [300, 600], seed: 1 }, { shots: 4 });
    const terminal = openTerminal(ws, ['apply', 'shots.yaml']);
    await waitFor(terminal, /Enter a value:/);
    terminal.type('yes\r');
    expect(await terminal.exited).toBe(0);
    const screen = terminal.screen();
    expect(screen).toMatch(/✔ shot-000 +done/);
    expect(screen).toMatch(/Done in .*4 created/);
    expect(submissions(emulator.stats())).toBe(4);
  });

  it('does nothing unless the answer is exactly yes', async () => {
    const { emulator, ws } = await campaign({ latencyMs: 300, seed: 2 }, { shots: 2 });
    const terminal = openTerminal(ws, ['apply', 'shots.yaml']);
    await waitFor(terminal, /Enter a value:/);
    terminal.type('y\r');
    expect(await terminal.exited).toBe(0);
    expect(terminal.screen()).toContain('Apply cancelled.');
    expect(await ws.exists('shots.lock.yaml')).toBe(false);
    expect(submissions(emulator.stats())).toBe(0);
  });

  it('Ctrl-C at the prompt exits 130 and changes nothing', async () => {
    const { ws } = await campaign({ latencyMs: 300, seed: 3 }, { shots: 2 });
    const terminal = openTerminal(ws, ['apply', 'shots.yaml']);
    await waitFor(terminal, /Enter a value:/);
    terminal.type('\x03');
    expect(await terminal.exited).toBe(130);
    expect(terminal.screen()).toContain('VIDEOGEN_INTERRUPTED');
    expect(terminal.screen()).not.toMatch(/\n\s+at /);
    expect(await ws.files()).toEqual(['shots.yaml']);
  });

  it('Ctrl-C during a run records the jobs in flight and exits 130', async () => {
    const { emulator, ws } = await campaign({ latencyMs: [3000, 4000], seed: 4 }, { shots: 4 });
    const terminal = openTerminal(ws, ['apply', 'shots.yaml']);
    await waitFor(terminal, /Enter a value:/);
    terminal.type('yes\r');
    await waitFor(terminal, /submitted/);
    await delay(300);
    terminal.type('\x03');
    expect(await terminal.exited).toBe(130);
    expect(terminal.screen()).toMatch(/still running remotely/);
    const lock = parseLockText(readFileSync(ws.path('shots.lock.yaml'), 'utf8'), 'shots.lock.yaml');
    const inFlight = Object.values(lock.shots).filter((entry) => entry.state === 'submitted' && entry.job_id);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.length).toBe(submissions(emulator.stats()));
  });
});
