/**
 * The fast path of every YAML read (the lock and the manifest): js-yaml loads a 10,000-shot
 * lock several times faster than `yaml` builds a Document with positions. It is only the
 * first try. Whatever it refuses goes to the caller's `yaml` path, which either reports the
 * problem with its line and column or reads what this was stricter about than needed, so
 * what videogen accepts and refuses is decided there, as before js-yaml was used.
 *
 * Refused on purpose, although js-yaml would read it:
 * - anchors, aliases and explicit tags: `yaml` budgets how far aliases expand (js-yaml hands
 *   back a shared graph that a billion-laughs document makes exponential to walk), reports
 *   unknown tags, and js-yaml accepts properties in places YAML does not (`&ax: 1`);
 * - a key that is not a string (`123:`, `true:`, `~:`): js-yaml would make it the string
 *   "123", while the lock reader must say that `123:` is read as a number;
 * - a `%YAML` directive (it may ask for YAML 1.1, where `yes` is true and `012` is octal),
 *   a tab anywhere, a carriage return without a line feed, an indented `---` before the
 *   content, and a block-mapping key that is not the first thing on its line (`- ''  b: 1`):
 *   js-yaml reads each of these where `yaml`, following the spec, reports an error.
 * Unknown tags, duplicate keys, several documents and nesting beyond 100 levels make js-yaml
 * throw by itself. src/util/yaml-load.test.ts checks, on thousands of generated and mutated
 * documents, that whenever this returns a value `yaml` reads the same text to the same value.
 */
import {
  COLLECTION_STYLE,
  constructFromEvents,
  CORE_SCHEMA,
  defineMappingTag,
  EVENT_ID,
  mapTag,
  parseEvents,
  SCALAR_STYLE,
  type Event,
} from 'js-yaml';

const stringKeyedMap = defineMappingTag('tag:yaml.org,2002:map', {
  create: mapTag.create,
  identify: mapTag.identify,
  represent: mapTag.represent,
  has: mapTag.has,
  keys: mapTag.keys,
  get: mapTag.get,
  addPair: (container, key, value) => (typeof key === 'string' ? mapTag.addPair(container, key, value) : 'a key that is not a string'),
});

const SCHEMA = CORE_SCHEMA.withTags(stringKeyedMap);
const INDENTED_DOCUMENT_START = /^(?:[ ]*(?:#.*)?\n)*[ ]+---/;

/** The value of a single-document YAML text, or undefined when it is refused (see above). */
export function loadYamlFast(text: string): { value: unknown } | undefined {
  if (text.startsWith('%') || text.includes('\n%') || text.includes('\t')) return undefined;
  if (text.includes('\r') && /\r(?!\n)/.test(text)) return undefined;
  if (INDENTED_DOCUMENT_START.test(text)) return undefined;
  try {
    const events = parseEvents(text, {});
    if (!plainEnough(events, text)) return undefined;
    const documents = constructFromEvents(events, { source: text, schema: SCHEMA, maxAliases: 0 });
    const value = documents.length === 1 ? documents[0] : undefined;
    // An empty document: `yaml` says null, and says where.
    return value === undefined || value === null ? undefined : { value };
  } catch {
    // YAMLException for bad YAML; RangeError when nesting exhausts the stack. `yaml` says which.
    return undefined;
  }
}

interface Container {
  blockMapping: boolean;
  nextIsKey: boolean;
}

/** No anchors, aliases or tags, and every block-mapping key first on its line. */
function plainEnough(events: readonly Event[], text: string): boolean {
  const open: Container[] = [];
  for (const event of events) {
    if (event.type === EVENT_ID.POP) {
      open.pop();
      continue;
    }
    if (event.type === EVENT_ID.DOCUMENT) {
      open.push({ blockMapping: false, nextIsKey: false });
      continue;
    }
    if (event.type === EVENT_ID.ALIAS || event.anchorStart !== -1 || event.tagStart !== -1) return false;
    const parent = open[open.length - 1];
    const isKey = parent !== undefined && parent.blockMapping && parent.nextIsKey;
    if (parent?.blockMapping) parent.nextIsKey = !parent.nextIsKey;
    if (event.type === EVENT_ID.SCALAR) {
      const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
      if (isKey && !firstOnItsLine(text, event.valueStart - (quoted ? 1 : 0))) return false;
    } else {
      open.push({ blockMapping: event.type === EVENT_ID.MAPPING && event.style === COLLECTION_STYLE.BLOCK, nextIsKey: true });
    }
  }
  return true;
}

/** Only indentation and `- ` / `? ` indicators between the line start and `offset`. */
function firstOnItsLine(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && text.charCodeAt(i) === 32) i -= 1;
  while (i >= 0 && text.charCodeAt(i) !== 10) {
    const indicator = text.charCodeAt(i);
    if ((indicator !== 45 && indicator !== 63) || text.charCodeAt(i + 1) !== 32) return false;
    i -= 1;
    while (i >= 0 && text.charCodeAt(i) === 32) i -= 1;
  }
  return true;
}
