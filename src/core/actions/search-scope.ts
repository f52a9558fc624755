import type { Deps, ProjectScope } from '../deps.js';
import { listProfiles } from '../connector-profiles/profiles.js';
import type { ActionSearchBody } from '../../contract/agents.js';
import type { z } from 'zod';
import type { actionSearchResponse } from '../../contract/agents.js';
import { actionIndexOf } from './search.js';

/** Results when the caller gives no `top_k`. */
export const DEFAULT_TOP_K = 10;

/**
 * The action ids a project may find, as `GET /actions` lists them: for a connector with active
 * profiles, what those profiles enable (all when one enables all); for a connector without one,
 * all its actions, so an agent discovers what linking it would offer.
 */
export async function usableActions(deps: Deps, scope: ProjectScope): Promise<(id: string) => boolean> {
  const profiles = (await listProfiles(deps, scope)).filter((p) => p.active);
  const allowed = new Set<string>();
  for (const c of deps.connectors.list()) {
    const own = profiles.filter((p) => p.provider === c.key);
    const all = !own.length || own.some((p) => p.enabled_actions === null);
    for (const a of c.actions)
      if (all || own.some((p) => p.enabled_actions?.includes(a.id))) allowed.add(a.id);
  }
  return (id) => allowed.has(id);
}

/** `POST /actions/search`: the project's actions ranked for a query, at most `top_k` of them. */
export async function searchActions(
  deps: Deps,
  scope: ProjectScope,
  body: ActionSearchBody,
): Promise<z.input<typeof actionSearchResponse>> {
  const { hits, total } = actionIndexOf(deps.connectors).search(body.query, {
    limit: body.top_k ?? DEFAULT_TOP_K,
    connector: body.connector ?? undefined,
    minSimilarity: body.min_similarity ?? undefined,
    allowed: await usableActions(deps, scope),
  });
  return {
    results: hits.map((h) => ({
      id: h.id,
      similarity_score: h.similarity,
      connector: h.connector,
      label: h.label,
      description: h.description,
    })),
    total_count: total,
    query: body.query,
    ...(body.connector ? { connector_filter: body.connector } : {}),
  };
}
