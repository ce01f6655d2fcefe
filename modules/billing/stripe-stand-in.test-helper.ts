import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One API call the stand-in received: form fields as Stripe's SDK encodes them (`line_items[0][price]`). */
export interface StripeCall {
  method: string;
  path: string;
  form: Record<string, string>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  /** Answered from the idempotency cache (Stripe's `Idempotent-Replayed: true`), nothing created. */
  replayed: boolean;
}

/** A meter event the stand-in accepted (what Stripe would bill from). */
export interface AcceptedMeterEvent {
  eventName: string;
  identifier: string;
  customer: string;
  value: string;
  timestamp: number;
}

const json = (res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

/**
 * A local HTTP stand-in for the few Stripe API calls fig makes (customers, Checkout and Billing
 * Portal sessions, meter events), answering the objects Stripe documents. Tests point
 * STRIPE_API_URL at it. Like Stripe it honours `Idempotency-Key` (a repeated key with the same
 * parameters replays the first answer and creates nothing; with other parameters it is a 400
 * `idempotency_error`) and refuses a second meter event with an identifier it already accepted.
 */
export async function startStripeStandIn(): Promise<{
  url: string;
  calls: StripeCall[];
  meterEvents: AcceptedMeterEvent[];
  close: () => Promise<void>;
}> {
  const calls: StripeCall[] = [];
  const meterEvents: AcceptedMeterEvent[] = [];
  const byKey = new Map<string, { body: string; status: number; answer: object }>();
  let n = 0;

  const create = (url: string | undefined, form: Record<string, string>): [number, object] => {
    n++;
    if (url === '/v1/customers') return [200, { id: `cus_stand_in_${n}`, object: 'customer', metadata: { tenant_id: form['metadata[tenant_id]'] } }];
    if (url === '/v1/checkout/sessions')
      return [200, { id: `cs_test_${n}`, object: 'checkout.session', mode: 'subscription', url: `https://checkout.stripe.com/c/pay/cs_test_${n}` }];
    if (url === '/v1/billing_portal/sessions')
      return [200, { id: `bps_${n}`, object: 'billing_portal.session', customer: form.customer, url: `https://billing.stripe.com/p/session/test_${n}` }];
    if (url === '/v1/billing/meter_events') {
      const identifier = form.identifier ?? `stand_in_${n}`;
      if (meterEvents.some((e) => e.identifier === identifier))
        return [400, { error: { type: 'invalid_request_error', code: 'duplicate_meter_event', message: `A meter event with identifier ${identifier} already exists.` } }];
      const event = { eventName: form.event_name!, identifier, customer: form['payload[stripe_customer_id]']!, value: form['payload[value]']!, timestamp: Number(form.timestamp) };
      meterEvents.push(event);
      return [200, { object: 'billing.meter_event', event_name: event.eventName, identifier, payload: { stripe_customer_id: event.customer, value: event.value }, timestamp: event.timestamp }];
    }
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (POST: ${url})` } }];
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      const cached = idempotencyKey ? byKey.get(`${req.url} ${idempotencyKey}`) : undefined;
      calls.push({ method: req.method ?? '', path: req.url ?? '', form, idempotencyKey, authorization: req.headers.authorization, replayed: Boolean(cached) });
      if (cached) {
        if (cached.body !== body)
          return json(res, 400, {
            error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with.` },
          });
        return json(res, cached.status, cached.answer, { 'idempotent-replayed': 'true' });
      }
      const [status, answer] = create(req.url, form);
      if (idempotencyKey && status < 500) byKey.set(`${req.url} ${idempotencyKey}`, { body, status, answer });
      json(res, status, answer, { 'request-id': `req_${n}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    meterEvents,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
