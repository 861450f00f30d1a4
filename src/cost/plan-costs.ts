/**
 * What a plan will cost (DESIGN.md "Cost"): every action that may start a job carries its
 * estimate, everything that needs none costs $0, and the summary adds them up. An unknown
 * price stays unknown and is counted apart: "$12.40 + 3 shots of unknown price". Pure: the
 * prices come from the modules' tables and the manifest's `pricing:`.
 */
import type { Manifest, Shot } from '../manifest/types.js';
import type { ActionCost, Plan, PlanAction } from '../plan/types.js';
import { findModel } from '../providers/module.js';
import { findProviderModule } from '../providers/registry.js';
import { estimateCost, round, type CostEstimate } from './estimate.js';
import { extend } from '../util/extend.js';

/** What one new generation of the shot costs, by the manifest's price for it, else the module's. */
export function shotCost(shot: Shot, pricing: Manifest['pricing']): CostEstimate {
  const model = findProviderModule(shot.spec.provider)?.models.find((info) => info.id === shot.spec.model);
  const override = pricing?.[shot.providerName]?.[shot.spec.model];
  const seconds = typeof shot.spec.duration === 'number' ? shot.spec.duration : model?.defaultDuration;
  return estimateCost(shot.spec, override ?? model?.price, seconds);
}

export function priceActions(plan: Plan, shots: readonly Shot[], pricing: Manifest['pricing']): Plan {
  const byId = new Map(shots.map((shot) => [shot.id, shot]));
  let usd = 0;
  let unknown = 0;
  const actions = plan.actions.map((action): PlanAction => {
    const shot = byId.get(action.id);
    const cost = shot === undefined ? undefined : actionCost(action, () => shotCost(shot, pricing));
    if (cost === undefined) return action;
    if (cost.usd === undefined) unknown += 1;
    else usd += cost.usd;
    return extend(action, { cost });
  });
  return { ...plan, actions, summary: { ...plan.summary, cost: { usd: round(usd), unknown, currency: 'USD' } } };
}

function actionCost(action: PlanAction, generation: () => CostEstimate): ActionCost | undefined {
  switch (action.action) {
    case 'create':
    case 'replace':
    case 'retry':
      return fromEstimate(generation());
    case 'fetch': {
      // Restored from the cache or the store, or downloaded again from the job: no new job,
      // unless the provider no longer serves it; without a job id it is a new generation.
      if (action.reuse || action.job_id === undefined) return action.reuse ? { usd: 0 } : fromEstimate(generation());
      const regenerated = generation().usd;
      return regenerated === undefined ? { usd: 0 } : { usd: 0, if_regenerated: regenerated };
    }
    case 'resume':
    case 'reuse':
      // A resumed job is paid for already; a reused video needs no job at all.
      return { usd: 0 };
    default:
      return undefined;
  }
}

function fromEstimate(estimate: CostEstimate): ActionCost {
  return estimate.usd === undefined ? { unknown: estimate.unknown ?? 'price unknown' } : { usd: estimate.usd };
}
