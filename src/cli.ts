/**
 * The `videogen` program: declares the commands and their options, and owns the one
 * catch that turns errors into messages and exit codes. Command modules are imported
 * lazily inside each action so that `--help`, `validate` and `plan` never load the
 * HTTP stack, the providers or the terminal UI.
 */
import { videogenVersion } from './util/version.js';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, InvalidInputError, VideogenError, formatDiagnostic } from './errors.js';
import { collect, parseConcurrency, parsePort, parseShardLimits, parseUsd } from './commands/options.js';

const DEFAULT_MANIFEST = 'shots.yaml';

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('videogen')
    .description('Declarative AI video generation: plan and apply a YAML manifest of shots.')
    .version(videogenVersion(), '-V, --version')
    .showHelpAfterError('hint: run with --help for usage')
    .exitOverride()
    // commander's own complaints (unknown option, bad --concurrency, missing argument) carry
    // the same stable code as every other usage error, so scripts can match on it.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'error VIDEOGEN_USAGE: ')) });

  const onlyOption = (command: Command) =>
    command.option('--only <selector>', 'limit to shots by id, glob (hero-*) or tag:name; repeatable', collect, []);
  const selectorOptions = (command: Command) =>
    onlyOption(command)
      .option('--replace <selector>', 'regenerate these shots even if unchanged; repeatable', collect, [])
      .option('--force', 'regenerate every selected shot')
      .option('--shard <k/N>', 'only the k-th of N stable shares of the shots (by a hash of the id), for a CI matrix');

  program
    .command('validate')
    .description('check the manifest and its lockfile, then exit')
    .argument('[manifest]', 'manifest file', DEFAULT_MANIFEST)
    .option('--json', 'print the result as JSON')
    .action(async (manifest: string, options) => {
      const { runValidate } = await import('./commands/validate.js');
      setExitCode(await runValidate(manifest, options, io()));
    });

  selectorOptions(
    program
      .command('plan')
      .description('show what apply would do')
      .argument('[manifest]', 'manifest file', DEFAULT_MANIFEST)
      .option('--json', 'print the plan as JSON')
      .option('--detailed-exitcode', 'exit 2 when the plan has changes, 0 when none')
      .option('--show-kept', 'list unchanged shots too')
      .option('--out <file>', 'also save the plan, with digests of the manifest and lock, for `apply <file>` to run exactly'),
  ).action(async (manifest: string, options) => {
    const { runPlan } = await import('./commands/plan.js');
    setExitCode(await runPlan(manifest, options, io()));
  });

  selectorOptions(
    program
      .command('apply')
      .description('plan, confirm, then generate, download and record every changed shot; or run a plan saved by `plan --out`')
      .argument('[manifest]', 'manifest file, or a plan file (*.json) saved by `plan --out`', DEFAULT_MANIFEST)
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
      .option('--concurrency <n>', 'jobs in flight overall (up to 1000)', parseConcurrency, 8)
      .option('--max-cost <usd>', "refuse a plan estimated above this many US dollars, and submit nothing that would take the run's estimates past it", parseUsd)
      .option('--shard-limits <share|full>', 'with --shard: each shard takes its share of every provider\'s concurrency and rate (share), or all of them, with a key of its own (full)', parseShardLimits, 'share')
      .option('--json', 'NDJSON events on stdout, nothing else'),
  ).action(async (manifest: string, options) => {
    const { runApply } = await import('./commands/apply.js');
    setExitCode(await runApply(manifest, options, io()));
  });

  program
    .command('status')
    .description('what the lockfile says, and whether each output on disk still matches')
    .argument('[manifest]', 'manifest file', DEFAULT_MANIFEST)
    .option('--json', 'print the status as JSON')
    .action(async (manifest: string, options) => {
      const { runStatus } = await import('./commands/status.js');
      setExitCode(await runStatus(manifest, options, io()));
    });

  program
    .command('prune')
    .description('delete orphaned lockfile entries (shots no longer in the manifest) and their outputs')
    .argument('[manifest]', 'manifest file', DEFAULT_MANIFEST)
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--keep-files', 'remove the lock entries but leave the output files')
    .action(async (manifest: string, options) => {
      const { runPrune } = await import('./commands/prune.js');
      setExitCode(await runPrune(manifest, options, io()));
    });

  onlyOption(
    program
      .command('push')
      .description('upload the outputs the lockfile records that the store (storage:) lacks, with their spec index entries')
      .argument('[manifest]', 'manifest file', DEFAULT_MANIFEST),
  ).action(async (manifest: string, options) => {
    const { runPush } = await import('./commands/push.js');
    setExitCode(await runPush(manifest, options, io()));
  });

  onlyOption(
    program
      .command('pull')
      .description('restore the outputs the lockfile records, from the local cache or the store, verified by sha256')
      .argument('[manifest]', 'manifest file', DEFAULT_MANIFEST),
  ).action(async (manifest: string, options) => {
    const { runPull } = await import('./commands/pull.js');
    setExitCode(await runPull(manifest, options, io()));
  });

  program
    .command('lock')
    .description('work on lockfiles: `lock merge` combines the locks of shard jobs')
    .command('merge')
    .description('combine the locks of `apply --shard` jobs into the campaign lock; conflicting entries are an error')
    .argument('<locks...>', 'the shard jobs\' lockfiles')
    .option('--into <lock>', 'the lock the shards started from, which receives the result', 'shots.lock.yaml')
    .action(async (locks: string[], options) => {
      const { runLockMerge } = await import('./commands/lock-merge.js');
      setExitCode(await runLockMerge(locks, options, io()));
    });

  program
    .command('review')
    .description('serve a contact sheet of every shot on 127.0.0.1 to approve or reject outputs (until Ctrl-C), or write a static page')
    .argument('[manifest]', 'manifest file', DEFAULT_MANIFEST)
    .option('--port <n>', 'port to listen on (default: any free port)', parsePort)
    .option('--static <file>', 'write a self-contained read-only page to this .html file instead, and exit')
    .action(async (manifest: string, options) => {
      const { runReview } = await import('./commands/review.js');
      setExitCode(await runReview(manifest, options, io()));
    });

  program
    .command('emulate')
    .description('run the built-in emulator of every video API videogen speaks (HeyGen v1 and v3, OpenAI-compatible, OpenRouter, fal, Vertex AI, Replicate, Runway)')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--latency <duration>', 'generation time per job, fixed (3s) or a range (2s-6s)', '3s')
    .option('--fail-rate <rate>', 'share of jobs that end failed (0..1)')
    .option('--moderation-rate <rate>', 'share of jobs refused by the content policy when they end (0..1)')
    .option('--credit-limit <n>', 'jobs each key may create before its account is out of credit')
    .option('--rate-limit-rate <rate>', 'share of requests answered 429 with Retry-After')
    .option('--error-rate <rate>', 'share of requests answered 5xx')
    .option('--drop-rate <rate>', 'share of reads whose connection is reset mid-response')
    .option('--truncate-rate <rate>', 'share of video downloads cut short')
    .option('--max-concurrent <n>', 'jobs in flight per key before 429', '10')
    .option('--url-ttl <duration>', 'lifetime of temporary video URLs', '10m')
    .option('--content-ttl <duration>', 'how long a finished video stays downloadable where the API keeps it', '1h')
    .option('--create-delay <duration>', 'how long HeyGen v3 takes to answer a submission (its Idempotency-Key is in progress meanwhile)')
    .option('--result-ttl <duration>', "how long fal keeps a finished request's result", '6m')
    .option('--api-key <key>', 'require this API key (default: any non-empty key)')
    .option('--seed <n>', 'seed for deterministic faults and latencies')
    .option('--video-bytes <n>', 'pad each video to at least this many bytes')
    .action(async (options) => {
      const { runEmulate } = await import('./commands/emulate.js');
      setExitCode(await runEmulate(options, io()));
    });

  program
    .command('models')
    .description('list each provider type and its known models: capabilities, retirements')
    .argument('[type]', 'only this provider type')
    .option('--json', 'print the tables as JSON')
    .action(async (type: string | undefined, options) => {
      const { runModels } = await import('./commands/models.js');
      setExitCode(await runModels(type, options, io()));
    });

  program
    .command('schema')
    .description('print the JSON Schema of the manifest (or of the lockfile)')
    .addOption(new Option('--lock', 'print the lockfile schema instead'))
    .action(async (options) => {
      const { runSchema } = await import('./commands/schema.js');
      setExitCode(await runSchema(options, io()));
    });

  program
    .command('init')
    .description('write a starter shots.yaml')
    .argument('[manifest]', 'file to create', DEFAULT_MANIFEST)
    .option('--force', 'overwrite an existing file')
    .action(async (manifest: string, options) => {
      const { runInit } = await import('./commands/init.js');
      setExitCode(await runInit(manifest, options, io()));
    });

  return program;
}

function io() {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Entry point used by bin/videogen.js. Never throws: every error becomes a message and an exit code. */
export async function main(argv: string[]): Promise<void> {
  ignoreClosedStdout();
  let exitCode: number = ExitCode.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    exitCode = reportError(error);
  }
  process.exitCode = exitCode;
}

/**
 * `videogen apply --json | head -1`: once the reader is gone, a write to stdout fails with
 * EPIPE, which Node raises as an uncaught error. An apply in flight must still record its jobs,
 * so further output is dropped instead of crashing the process.
 */
function ignoreClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    process.stderr.write(`videogen: cannot write to stdout: ${error.message}\n`);
  });
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; any other commander complaint is bad usage.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.ok;
    }
    return ExitCode.invalid;
  }
  if (error instanceof InvalidInputError) {
    for (const diagnostic of error.diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
    const count = error.diagnostics.length;
    process.stderr.write(`${count} problem${count === 1 ? '' : 's'} found; nothing was changed.\n`);
    return error.exitCode;
  }
  if (error instanceof VideogenError) {
    process.stderr.write(`error ${error.code}: ${error.message}\n`);
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
    return error.exitCode;
  }
  if (isSystemError(error)) {
    // The file system or the OS said no (EACCES, EISDIR, ENOSPC): the message says what, a
    // stack trace would only hide it.
    process.stderr.write(`error VIDEOGEN_IO: ${error.message}${error.path && !error.message.includes(error.path) ? ` (${error.path})` : ''}\n`);
    return ExitCode.failure;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`videogen: unexpected error: ${message}\n`);
  return ExitCode.failure;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code!);
}
