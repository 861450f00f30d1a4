import type { DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';

/**
 * How manifests are parsed everywhere (the positions lookup re-parses with the same
 * options, so its nodes match what was validated): YAML 1.2 core schema, no merge keys
 * (`<<` is an ordinary, unknown key: `defaults:` does that job). yaml's own duplicate-key
 * check compares every key with every other (a 50,000-key mapping takes 20 s), so it is
 * off and yaml-source.ts finds duplicates in one pass instead.
 */
export const YAML_PARSE_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  uniqueKeys: false,
  merge: false,
  prettyErrors: true,
  strict: true,
};

/**
 * yaml counts every use of an anchor, weighted by how many aliases the anchored node
 * holds. 1000 stops a billion-laughs document within its fourth level (a few thousand
 * nodes, milliseconds) while still allowing a scalar anchor to be reused in a few
 * hundred shots (yaml's own default, 100, would refuse the 101st `prompt: *style`).
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * yaml resolves each alias by scanning every anchor and alias before it, so resolution is
 * quadratic in their number (2,000 aliases: ~0.4 s; 20,000: a minute). Counted before
 * resolving; a manifest has `defaults:` for sharing and rarely needs more than a handful.
 */
export const MAX_ALIAS_NODES = 1000;
