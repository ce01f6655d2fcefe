/** Structural JSON diff shared by HTTP shadow diffing and engine parity. */
export { diffJson, type DiffKind, type Difference, type DiffOptions, type DiffResult } from './diff';
export { compileGlob, anyGlob, formatPath, type PathGlob, type PathSegment } from './path';
