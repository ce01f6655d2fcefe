/**
 * Server-sent events over fetch, so the request carries the bearer token (EventSource cannot send
 * headers). Reconnects after a drop with Last-Event-ID and a growing pause; `close()` stops it.
 */
import { authorizedFetch } from './api-client';

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

export function subscribeSse(
  path: string,
  onMessage: (m: SseMessage) => void,
  opts: { onOpen?: () => void; onError?: (err: unknown) => void; maxPauseMs?: number } = {},
): { close: () => void } {
  const abort = new AbortController();
  let lastId: string | undefined;
  let pause = 500;

  const dispatch = (block: string) => {
    const m: SseMessage = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') m.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') m.id = lastId = value;
    }
    if (data.length === 0) return;
    m.data = data.join('\n');
    onMessage(m);
  };

  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (lastId) headers['last-event-id'] = lastId;
        const res = await authorizedFetch(path, { headers, signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
        opts.onOpen?.();
        pause = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, cut));
            buffer = buffer.slice(cut + 2);
          }
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        opts.onError?.(err);
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, opts.maxPauseMs ?? 10_000);
    }
  };
  void run();
  return { close: () => abort.abort() };
}
