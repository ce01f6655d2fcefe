import { describe, expect, it } from 'vitest';
import { nextTraceparent, parseTraceparent, randomHex, stripHopByHop, upstreamRequestHeaders } from './headers';

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

describe('stripHopByHop', () => {
  it('removes hop-by-hop headers and those Connection names', () => {
    const h = stripHopByHop(
      { connection: 'close, X-Foo', 'x-foo': '1', 'keep-alive': 'timeout=5', 'proxy-authorization': 'x', te: 'trailers', trailer: 'a', 'transfer-encoding': 'chunked', upgrade: 'h2c', expect: '100-continue', accept: '*/*' },
      'request',
    );
    expect(h).toEqual({ accept: '*/*' });
  });

  it('keeps Expect on responses (it only matters on requests)', () => {
    expect(stripHopByHop({ expect: 'x', 'content-type': 'a/b' }, 'response')).toEqual({ expect: 'x', 'content-type': 'a/b' });
  });
});

describe('upstreamRequestHeaders', () => {
  it('adds forwarding headers, request id and a trace for a direct client', () => {
    const client = { host: 'api.example.com', accept: 'text/plain' };
    const h = upstreamRequestHeaders({ ...client }, client, { requestId: 'r-1', remoteAddress: '10.1.2.3', encrypted: true });
    expect(h).toMatchObject({ host: 'api.example.com', accept: 'text/plain', 'x-forwarded-for': '10.1.2.3', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.com', 'x-request-id': 'r-1' });
    expect(h.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
