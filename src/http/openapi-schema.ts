/**
 * Turns TypeBox schemas into plain JSON Schema for the OpenAPI document:
 * TypeBox's symbol keys disappear, and every schema that carries a `$id`
 * moves to `components.schemas` and is referenced from where it was used.
 */
import type { TSchema } from '@sinclair/typebox';

/** A JSON Schema object as it appears in the document. */
export type JsonSchema = Record<string, unknown>;

/** Keywords whose values are data, not schemas: copied as they are. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether two schemas serialise alike (symbol keys are ignored). */
function sameShape(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Named schemas collected while converting, keyed by their `$id`. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  private readonly sources = new Map<string, unknown>();

  /**
   * Converts one schema; a named one (or a named part of it) is stored
   * once and replaced by a `$ref`.
   */
  convert(schema: TSchema): JsonSchema {
    return this.walk(schema) as JsonSchema;
  }

  /** A `$ref` to a schema stored under `name`, converting it first. */
  named(name: string, schema: TSchema): JsonSchema {
    return this.register(name, schema);
  }

  private walk(node: unknown): unknown {
    if (Array.isArray(node)) return node.map((item) => this.walk(item));
    if (!isObject(node)) return node;
    if (typeof node.$id === 'string') return this.register(node.$id, node);

    return this.copy(node);
  }

  private copy(node: Record<string, unknown>): JsonSchema {
    const out: JsonSchema = {};

    for (const [key, value] of Object.entries(node)) {
      if (key === '$id') continue;

      out[key] = DATA_KEYWORDS.has(key)
        ? structuredClone(value)
        : this.walk(value);
    }

    return out;
  }

  private register(name: string, node: Record<string, unknown>): JsonSchema {
    const ref = { $ref: `#/components/schemas/${name}` };
    const known = this.sources.get(name);

    if (known === node) return ref;
    if (known !== undefined && !sameShape(known, node)) {
      throw new Error(`openapi: two different schemas use the $id "${name}"`);
    }
    if (known !== undefined) return ref;

    this.sources.set(name, node);
    this.schemas[name] = this.copy(node);

    return ref;
  }
}
