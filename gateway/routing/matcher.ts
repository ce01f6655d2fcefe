interface Node {
  statics: Map<string, Node>;
  param?: Node;
  /** Route key per method ending at this node. */
  keys: Map<string, string>;
}

const node = (): Node => ({ statics: new Map(), keys: new Map() });

/**
 * Maps a request (method + raw path) to the route key of the legacy OpenAPI template it
 * matches, e.g. GET /api/v1/invoices/42 → 'GET /api/v1/invoices/{id}'. Static segments win
 * over parameters, like Fastify's router. Used to label proxied requests for logs, metrics
 * and the console's per-route stats; never to route (Fastify does that).
 */
export class RouteMatcher {
  private readonly root = node();

  constructor(routes: Iterable<{ key: string; method: string; path_template: string }>) {
    for (const r of routes) {
      let n = this.root;
      for (const seg of r.path_template.split('/').slice(1)) {
        if (/^\{[^}]+\}$/.test(seg)) n = n.param ??= node();
        else {
          let next = n.statics.get(seg);
          if (!next) n.statics.set(seg, (next = node()));
          n = next;
        }
      }
      n.keys.set(r.method, r.key);
    }
  }

  /** The route key for this method and URL (query ignored), or undefined. HEAD falls back to GET. */
  match(method: string, url: string): string | undefined {
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const segs = path.split('/').slice(1);
    const found = this.walk(this.root, segs, 0, method);
    return found ?? (method === 'HEAD' ? this.walk(this.root, segs, 0, 'GET') : undefined);
  }

  private walk(n: Node, segs: string[], i: number, method: string): string | undefined {
    if (i === segs.length) return n.keys.get(method);
    const seg = segs[i]!;
    const s = n.statics.get(seg);
    if (s) {
      const hit = this.walk(s, segs, i + 1, method);
      if (hit) return hit;
    }
    if (n.param && seg !== '') return this.walk(n.param, segs, i + 1, method);
    return undefined;
  }
}
