/** The 16 legacy AP/AR route keys modules/apar serves (moved as one family). */
export const APAR_ROUTE_KEYS = [
  'GET /api/v1/customers',
  'POST /api/v1/customers',
  'GET /api/v1/customers/{id}',
  'GET /api/v1/vendors',
  'POST /api/v1/vendors',
  'GET /api/v1/vendors/{id}',
  'GET /api/v1/invoices',
  'POST /api/v1/invoices',
  'GET /api/v1/invoices/{id}',
  'GET /api/v1/bills',
  'POST /api/v1/bills',
  'GET /api/v1/bills/{id}',
  'GET /api/v1/payments',
  'POST /api/v1/payments',
  'GET /api/v1/payments/{id}',
  'GET /api/v1/reports/aging',
];
