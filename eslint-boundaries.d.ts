/** The problem with `from` (a repository path) importing `spec`, or undefined when allowed. */
export function boundaryProblem(from: string, spec: string): string | undefined;
declare const plugin: { rules: Record<string, unknown> };
export default plugin;
