export { CATALOG_VERSION, FUNCTIONS, FUNCTION_CATALOG, arityText, type FunctionDoc, type FunctionSpec } from './catalog';
