// fig's dependency rules (DESIGN.md "Layout"), as one ESLint rule that resolves every relative
// import to a path in the repository and checks where it may point:
//   - nothing in modules/ or legacy-shadow/ imports gateway/;
//   - outside a module, only its index.ts is imported (modules/core is the shared kernel and open);
//     the SPA may also import a module's schema.ts (shared zod contracts), also a sub-area's (apar/portal/schema.ts);
//   - modules/engine is pure: no other part of the repo, no I/O packages (its CLI is the exception);
//   - a web feature does not import another feature (bulletproof-react).
// Test files and test/ are exempt: tests reach into what they test, and build the whole app.
import path from 'node:path';

const ROOT = import.meta.dirname;
const IO_PACKAGES = /^(node:)?(fs|net|http|https|child_process|worker_threads|dgram)(\/|$)|^(pg|ioredis|fastify|undici|bullmq)(\/|$)/;

const rel = (abs) => path.relative(ROOT, abs).split(path.sep).join('/');
const isTest = (file) => /\.test\.tsx?$/.test(file) || file.startsWith('test/') || file.startsWith('web/e2e/') || file.startsWith('bench/');

/** The problem with `from` importing `spec`, or undefined when the import is allowed. */
export function boundaryProblem(from, spec) {
  if (isTest(from)) return undefined;
  if (!spec.startsWith('.')) {
    if (from.startsWith('modules/engine/') && !from.endsWith('/cli.ts') && IO_PACKAGES.test(spec))
      return `modules/engine is pure: no I/O package ('${spec}')`;
    return undefined;
  }
  const to = rel(path.resolve(ROOT, path.dirname(from), spec)).replace(/\.(ts|tsx|js)$/, '');
  if ((from.startsWith('modules/') || from.startsWith('legacy-shadow/')) && to.startsWith('gateway/'))
    return `${from.split('/')[0]}/ must not import gateway/ ('${spec}'): take the config slice from modules/core`;
  const target = /^modules\/([^/]+)\/(.+)$/.exec(to);
  if (target) {
    const [, name, inner] = target;
    const own = from.startsWith(`modules/${name}/`);
    const viaIndex = inner === 'index';
    const sharedSchema = from.startsWith('web/') && /(^|\/)schema$/.test(inner);
    if (!own && name !== 'core' && !viaIndex && !sharedSchema)
      return `import modules/${name} through its index.ts, not '${spec}'`;
    if (from.startsWith('modules/engine/') && !own && !from.endsWith('/cli.ts'))
      return `modules/engine is pure: it imports nothing outside itself ('${spec}')`;
  }
  if (from.startsWith('modules/engine/') && !from.endsWith('/cli.ts') && !to.startsWith('modules/engine/'))
    return `modules/engine is pure: it imports nothing outside itself ('${spec}')`;
  const feature = /^web\/src\/features\/([^/]+)\//.exec(from);
  const targetFeature = /^web\/src\/features\/([^/]+)(\/|$)/.exec(to);
  if (feature && targetFeature && feature[1] !== targetFeature[1])
    return `web feature '${feature[1]}' must not import feature '${targetFeature[1]}': compose them in web/src/app`;
  return undefined;
}

const check = (context, node) => {
  const spec = node.source?.value;
  if (typeof spec !== 'string') return;
  const problem = boundaryProblem(rel(context.filename), spec);
  if (problem) context.report({ node: node.source, message: problem });
};

export default {
  rules: {
    boundaries: {
      meta: { type: 'problem', docs: { description: "fig's dependency rules (DESIGN.md Layout)" }, schema: [] },
      create: (context) => ({
        ImportDeclaration: (node) => check(context, node),
        ExportNamedDeclaration: (node) => check(context, node),
        ExportAllDeclaration: (node) => check(context, node),
        ImportExpression: (node) => check(context, node),
      }),
    },
  },
};
