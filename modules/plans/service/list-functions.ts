import { CATALOG_VERSION, FUNCTION_CATALOG } from '../../engine/index';
import type { EngineFunctions } from '../schema';

/** GET /engine/functions: the function catalog with docs, for the plan editor's autocomplete. */
export function listEngineFunctions(): EngineFunctions {
  return {
    catalogVersion: CATALOG_VERSION,
    functions: FUNCTION_CATALOG.map((f) => ({
      name: f.name,
      signature: f.signature,
      minArgs: f.minArgs,
      maxArgs: f.maxArgs,
      description: f.description,
      examples: [{ expr: f.example, value: f.result }],
    })),
  };
}
