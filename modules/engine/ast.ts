/** Source position of a token or node: 0-based offset, 1-based line and column. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | '^';
export type UnaryOp = '-' | '+' | '!';

export const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

interface NodeBase {
  pos: Position;
  /** Offset just past the last character of the node. */
  end: number;
}

export interface NumberLiteral extends NodeBase {
  kind: 'number';
  /** The literal exactly as written (digits and at most one dot). */
  text: string;
}
export interface NameRef extends NodeBase {
  kind: 'name';
  name: string;
}
export interface Unary extends NodeBase {
  kind: 'unary';
  op: UnaryOp;
  operand: Expr;
}
export interface Binary extends NodeBase {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
  /** Position of the operator token (used for errors). */
  opPos: Position;
}
export interface Call extends NodeBase {
  kind: 'call';
  callee: string;
  args: Expr[];
}
export interface IfExpr extends NodeBase {
  kind: 'if';
  cond: Expr;
  then: Expr;
  else: Expr;
}
/** Parenthesised expression, kept so the checker can tell `(a < b) < c` from `a < b < c`. */
export interface Group extends NodeBase {
  kind: 'group';
  inner: Expr;
}

export type Expr = NumberLiteral | NameRef | Unary | Binary | Call | IfExpr | Group;

/** Every name referenced by an expression, in first-use order. */
export function referencedNames(expr: Expr, into: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case 'number':
      break;
    case 'name':
      into.add(expr.name);
      break;
    case 'unary':
      referencedNames(expr.operand, into);
      break;
    case 'binary':
      referencedNames(expr.left, into);
      referencedNames(expr.right, into);
      break;
    case 'call':
      for (const a of expr.args) referencedNames(a, into);
      break;
    case 'if':
      referencedNames(expr.cond, into);
      referencedNames(expr.then, into);
      referencedNames(expr.else, into);
      break;
    case 'group':
      referencedNames(expr.inner, into);
      break;
  }
  return into;
}
