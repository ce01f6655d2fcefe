/**
 * Dependency ordering of plan steps. Nodes are step indexes; `deps[i]` are the steps whose
 * outputs step i reads. Returns a topological order that keeps the declared order wherever
 * dependencies allow (Kahn's algorithm, lowest index first), or the cycles found.
 */
export function orderSteps(deps: readonly (readonly number[])[]): { order: number[]; cycles: number[][] } {
  const n = deps.length;
  const indegree = deps.map((d) => new Set(d).size);
  const dependents: number[][] = Array.from({ length: n }, () => []);
// Stryker disable next-line OptionalChaining: dependency indexes are always < n, so dependents[j] exists
  deps.forEach((d, i) => new Set(d).forEach((j) => dependents[j]?.push(i)));
// Stryker disable next-line ArrayDeclaration: an empty array reads undefined, which !done[i] treats like false
  const done = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  for (;;) {
    let next = -1;
// Stryker disable next-line EqualityOperator: index n has indegree undefined, never 0, so it is never picked
    for (let i = 0; i < n; i++) {
      if (!done[i] && indegree[i] === 0) {
        next = i;
        break;
      }
    }
    if (next < 0) break;
    done[next] = true;
    order.push(next);
// Stryker disable next-line ArrayDeclaration: dependents[next] always exists; the fallback is never used
    for (const k of dependents[next] ?? []) indegree[k] = (indegree[k] ?? 0) - 1;
  }
// Stryker disable next-line ConditionalExpression: findCycles with every node done returns [] as well
  return { order, cycles: order.length === n ? [] : findCycles(deps, done) };
}

/** Distinct elementary cycles among the unfinished nodes, each as a closed path [a, b, ..., a]. */
function findCycles(deps: readonly (readonly number[])[], done: readonly boolean[]): number[][] {
  const cycles: number[][] = [];
  const seen = new Set<string>();
  const state = new Array<number>(deps.length).fill(0); // 0 new, 1 on stack, 2 finished
// Stryker disable next-line ArrayDeclaration: a cycle is sliced from the index of a node on the stack, never from a leading extra element
  const stack: number[] = [];
  const visit = (i: number): void => {
    state[i] = 1;
    stack.push(i);
// Stryker disable next-line ArrayDeclaration: deps[i] always exists for i < n; the fallback is never used
    for (const j of deps[i] ?? []) {
// Stryker disable next-line ConditionalExpression: a done node only depends on done nodes, so visiting it finds no cycle
      if (done[j]) continue;
      if (state[j] === 1) {
        const cycle = stack.slice(stack.indexOf(j));
        const key = [...cycle].sort((a, b) => a - b).join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...cycle, j]);
        }
      } else if (state[j] === 0) {
        visit(j);
      }
    }
    stack.pop();
    state[i] = 2;
  };
  for (let i = 0; i < deps.length; i++) if (!done[i] && state[i] === 0) visit(i);
  return cycles;
}
