import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One API call the stand-in received: form fields as Stripe's SDK encodes them (`line_items[0][price]`). */
export interface StripeCall {
  method: string;
  path: string;
  form: Record<string, string>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
}

/**
 * A local HTTP stand-in for the few Stripe API calls fig makes (customers, Checkout and Billing
 * Portal sessions), answering the objects Stripe documents. Tests point STRIPE_API_URL at it.
 */
export async function startStripeStandIn(): Promise<{ url: string; calls: StripeCall[]; close: () => Promise<void> }> {
  const calls: StripeCall[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      calls.push({ method: req.method ?? '', path: req.url ?? '', form, idempotencyKey: req.headers['idempotency-key'] as string | undefined, authorization: req.headers.authorization });
      n++;
      let answer: object;
      if (req.url === '/v1/customers') answer = { id: `cus_stand_in_${n}`, object: 'customer', metadata: { tenant_id: form['metadata[tenant_id]'] } };
      else if (req.url === '/v1/checkout/sessions') answer = { id: `cs_test_${n}`, object: 'checkout.session', mode: 'subscription', url: `https://checkout.stripe.com/c/pay/cs_test_${n}` };
      else if (req.url === '/v1/billing_portal/sessions') answer = { id: `bps_${n}`, object: 'billing_portal.session', customer: form.customer, url: `https://billing.stripe.com/p/session/test_${n}` };
      else if (req.url === '/v1/billing/meter_events') answer = { object: 'billing.meter_event', event_name: form.event_name, identifier: form.identifier, payload: { stripe_customer_id: form['payload[stripe_customer_id]'], value: form['payload[value]'] }, timestamp: Number(form.timestamp) };
      else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${req.url})` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${n}` }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise((r) => server.close(() => r())) };
}
