/** Shared by the record tests: the published schema as an ajv validator. */

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const schema = JSON.parse(
  readFileSync(new URL('../../docs/record.schema.json', import.meta.url), 'utf8'),
) as object;

/** Validates a record against docs/record.schema.json; returns ajv's error text ('' when valid). */
export function schemaErrors(record: unknown): string {
  const ajv = addFormats(new Ajv({ allErrors: true, strict: true }));
  const validate = ajv.compile(schema);
  return validate(record) ? '' : ajv.errorsText(validate.errors);
}
