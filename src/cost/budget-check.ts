/**
 * `apply --max-cost` before anything starts: a plan estimated above the budget, or with work
 * whose price is unknown (which no budget can guard), is refused with exit 3 and nothing is
 * submitted. Fetches count at $0: they download a finished job, and regenerate only when the
 * provider no longer serves it, which the run's own budget then guards.
 */
import { VideogenError, ExitCode } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { formatUsd } from './estimate.js';

export function refuseOverBudget(plan: Plan, maxUsd: number): void {
  const cost = plan.summary.cost;
  if (!cost) return;
  const unpriced = plan.actions.filter((action) => action.cost?.usd === undefined && action.cost !== undefined).map((action) => action.id);
  if (unpriced.length > 0) {
    const named = unpriced.slice(0, 5).join(', ') + (unpriced.length > 5 ? ` and ${unpriced.length - 5} more` : '');
    throw new VideogenError('VIDEOGEN_BUDGET', `--max-cost cannot guard shots of unknown price: ${named}`, {
      exitCode: ExitCode.invalid,
      hint: 'give their models a price under `pricing:` in the manifest, or apply without --max-cost',
    });
  }
  if (Math.round(cost.usd * 100) > Math.round(maxUsd * 100)) {
    throw new VideogenError('VIDEOGEN_BUDGET', `the plan is estimated at ${formatUsd(cost.usd)}, more than --max-cost ${formatUsd(maxUsd)}; nothing was submitted`, {
      exitCode: ExitCode.invalid,
      hint: 'raise --max-cost, or apply part of the campaign with --only',
    });
  }
}
