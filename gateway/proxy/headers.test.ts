import { describe, expect, it } from 'vitest';
import { nextTraceparent, parseTraceparent, randomHex, responseHeadersFromRaw, upstreamRequestHeaderList } from './headers';

describe('parseTraceparent', () => {
  it('accepts a valid version 00 header', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', flags: '01' });
  });

  it('accepts a future version with extra fields', () => {
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-extra')?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([
    ['missing', undefined],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['upper case', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['version 00 with extra fields', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x'],
  ])('rejects %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe('nextTraceparent', () => {
  it('keeps the trace id and flags with a new span id', () => {
    const next = nextTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
    expect(next.continued).toBe(true);
    expect(next.value).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-(?!00f067aa0ba902b7)[0-9a-f]{16}-00$/);
  });

  it('mints distinct sampled traces', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => nextTraceparent(undefined).value));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});

describe('randomHex', () => {
  it('gives the requested length across pool refills', () => {
    for (let i = 0; i < 2000; i++) expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
  });
});

/** Node's joined header map from raw lines (lower-case names, repeats joined with ", "). */
function joinedMap(raw: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    out[name] = out[name] === undefined ? raw[i + 1]! : `${out[name]}, ${raw[i + 1]}`;
  }
  return out;
}

const ctx = { host: '127.0.0.1:8000', requestId: 'r-1', remoteAddress: '10.1.2.3', encrypted: true, bodyLength: undefined, hasBody: false };

describe('upstreamRequestHeaderList', () => {
  it('removes hop-by-hop headers and those Connection names', () => {
    const raw = ['Connection', 'close, X-Foo', 'X-Foo', '1', 'Keep-Alive', 'timeout=5', 'Proxy-Authorization', 'x', 'TE', 'trailers', 'Trailer', 'a', 'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c', 'Expect', '100-continue', 'Accept', '*/*'];
    const list = upstreamRequestHeaderList(raw, joinedMap(raw), ctx);
    const names = list.filter((_, i) => i % 2 === 0);
    expect(names).toEqual(['host', 'Accept', 'x-forwarded-for', 'x-forwarded-proto', 'x-request-id', 'traceparent']);
  });

  it('keeps repeated lines apart, in order and spelled as sent, and sets Host, forwarding headers, request id and a trace', () => {
    const raw = ['Host', 'api.example.com', 'X-Multi', 'a', 'accept', 'text/plain', 'x-multi', 'b'];
    const list = upstreamRequestHeaderList(raw, joinedMap(raw), ctx);
    expect(list.slice(0, 8)).toEqual(['host', '127.0.0.1:8000', 'X-Multi', 'a', 'accept', 'text/plain', 'x-multi', 'b']);
    expect(list.slice(8, 16)).toEqual(['x-forwarded-for', '10.1.2.3', 'x-forwarded-proto', 'https', 'x-forwarded-host', 'api.example.com', 'x-request-id', 'r-1']);
    expect(list[16]).toBe('traceparent');
    expect(list[17]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('skips lines fig removed from the joined map (untrusted forwarding headers) and sends its own framing', () => {
    const raw = ['X-Forwarded-For', '6.6.6.6', 'X-Fig-Shadow', '1', 'Content-Length', '5', 'Content-Type', 'text/plain'];
    const list = upstreamRequestHeaderList(raw, { 'content-length': '5', 'content-type': 'text/plain' }, { ...ctx, bodyLength: 3 });
    expect(list).toContain('content-length');
    expect(list[list.indexOf('content-length') + 1]).toBe('3');
    expect(list[list.indexOf('x-forwarded-for') + 1]).toBe('10.1.2.3');
    expect(list).not.toContain('X-Fig-Shadow');
    expect(list.filter((v) => v.toLowerCase() === 'content-type')).toHaveLength(1);
  });

  it('drops the client Content-Length when no body goes upstream', () => {
    const raw = ['Content-Length', '5'];
    expect(upstreamRequestHeaderList(raw, joinedMap(raw), ctx)).not.toContain('content-length');
  });
});

describe('responseHeadersFromRaw', () => {
  it('removes hop-by-hop headers and those Connection names, keeps Expect and repeated lines', () => {
    const raw = ['Connection', 'keep-alive, X-Foo', 'X-Foo', '1', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Expect', 'x', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Content-Type', 'a/b'].map((v) => Buffer.from(v, 'latin1'));
    expect(responseHeadersFromRaw(raw)).toEqual({ expect: 'x', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'a/b' });
  });

  it('decodes values as latin1, byte for byte', () => {
    const raw = [Buffer.from('X-Name'), Buffer.from([0x63, 0x61, 0x66, 0xe9])];
    expect(Buffer.from(responseHeadersFromRaw(raw)['x-name'] as string, 'latin1')).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });
});
