import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { InputValidator, ValidationResult } from '../core/tool.js';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: true, removeAdditional: false, validateSchema: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

/**
 * A strict validator from an upstream's JSON Schema, compiled once. Every object
 * schema that declares `properties` is closed (`additionalProperties: false`) even
 * where the upstream forgot, so an undeclared field is UNKNOWN_FIELD as it is for
 * local tools. `extra` adds Palisade's own fields (the write tools' `idemKey`).
 */
export function jsonSchemaValidator(schema: Record<string, unknown>, extra: Record<string, Record<string, unknown>> = {}): InputValidator {
  const closed = close(structuredClone(schema)) as Record<string, unknown>;
  if (closed['type'] === undefined) closed['type'] = 'object';
  const props = { ...(closed['properties'] as Record<string, unknown> | undefined), ...extra };
  closed['properties'] = props;
  closed['additionalProperties'] = false;
  delete closed['$schema'];
  let check: ValidateFunction;
  try {
    check = ajv.compile(closed);
  } catch {
    // An upstream schema ajv cannot compile: refuse every call rather than pass anything through.
    check = Object.assign(() => false, { errors: [{ instancePath: '', keyword: 'schema', message: 'the upstream schema is not usable', params: {}, schemaPath: '' }] }) as unknown as ValidateFunction;
  }
  return {
    jsonSchema: closed,
    validate(args: unknown): ValidationResult {
      if (args === null || typeof args !== 'object' || Array.isArray(args)) return { ok: false, code: 'INVALID_PARAMS', path: '(arguments)', message: 'arguments must be a JSON object' };
      for (const k of ['__proto__', 'constructor', 'prototype']) {
        if (Object.hasOwn(args, k)) return { ok: false, code: 'UNKNOWN_FIELD', path: k, message: `unknown field "${k}" is not allowed` };
      }
      const copy = structuredClone(args) as Record<string, unknown>;
      if (check(copy)) return { ok: true, value: copy };
      return toResult(check.errors?.[0]);
    },
  };
}

function toResult(e: ErrorObject | undefined): ValidationResult {
  const base = (e?.instancePath ?? '').split('/').filter(Boolean).map(safeName);
  if (e?.keyword === 'additionalProperties') {
    const field = [...base, safeName(String((e.params as { additionalProperty?: string }).additionalProperty ?? '?'))].join('.');
    return { ok: false, code: 'UNKNOWN_FIELD', path: field, message: `unknown field "${field}" is not allowed` };
  }
  const path = base.length ? base.join('.') : '(arguments)';
  // ajv's message names the rule (type, enum, bound), never the value.
  return { ok: false, code: 'INVALID_PARAMS', path, message: `invalid "${path}": ${e?.message ?? 'does not match the schema'}` };
}

function close(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(close);
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) o[k] = close(v);
  if (o['properties'] !== undefined && typeof o['properties'] === 'object' && o['additionalProperties'] === undefined && o['patternProperties'] === undefined) {
    o['additionalProperties'] = false;
  }
  return o;
}

function safeName(name: string): string {
  const clean = name.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean;
}
