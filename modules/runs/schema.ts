// The runs pipeline's wire schemas, at the path the SPA may import (a module's schema.ts).
export * from './pipeline/schema';
