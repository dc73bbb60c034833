/** Test helper (not a suite): the KCIDB v5.3 JSON Schema (test/fixtures/kcidb) compiled with ajv. */

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const schema = JSON.parse(
  readFileSync(new URL('../fixtures/kcidb/v05_03.schema.json', import.meta.url), 'utf8'),
) as object;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Throws with ajv's errors when `doc` is not valid KCIDB v5.3. */
export function assertKcidb(doc: unknown): void {
  if (!validate(doc)) {
    throw new Error(`KCIDB schema: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
  }
}
