import { defineConfig } from '../../config';

/**
 * The Orders API: a second, small example of routes reaching your code. Two handler files (one
 * function each), a path parameter, and one route served by an existing HTTP service that receives
 * the caller's identity in headers. See docs/routes.md.
 *
 * The shipments service is `shipments-server.ts` on this machine (start it first:
 * `npx tsx examples/orders/shipments-server.ts`); for AWS, set SHIPMENTS_URL to your https service.
 */
const shipmentsUrl = process.env.SHIPMENTS_URL || 'http://127.0.0.1:4191';

export default defineConfig({
  asgardeo: { organization: 'orders' },
  aws: {
    region: 'us-east-1',
    apiName: 'orders-api',
    stage: 'dev',
    // Routes that name no handler run this file.
    lambda: { entry: 'handlers/orders.ts', environment: { ORDERS_TABLE: 'orders-dev' } },
    // Per-function settings; the aws.lambda values are the defaults.
    functions: {
      'handlers/create-order.ts': { memoryMb: 512, timeoutSeconds: 5, environment: { ORDER_ID_PREFIX: 'ord' } },
    },
  },
  scopes: [
    { name: 'read_orders', displayName: 'Read orders' },
    { name: 'create_orders', displayName: 'Create orders' },
  ],
  routes: [
    { method: 'GET', path: '/orders', scopes: ['read_orders'] },
    { method: 'GET', path: '/orders/{id}', scopes: ['read_orders'], smoke: { pathParameters: { id: 'ord-1001' } } },
    { method: 'POST', path: '/orders', scopes: ['create_orders'], handler: 'handlers/create-order.ts', smoke: { status: 201 } },
    {
      method: 'GET',
      path: '/orders/{id}/shipment',
      scopes: ['read_orders'],
      http: { url: `${shipmentsUrl}/shipments/{id}` },
      smoke: { pathParameters: { id: 'ord-1001' } },
    },
  ],
  apiResource: { name: 'Orders API', description: 'Orders and their shipments behind API Gateway' },
  clients: [
    { name: 'orders-reader', description: 'Reads orders and shipments', scopes: ['read_orders'] },
    { name: 'orders-writer', description: 'Creates orders', scopes: ['create_orders'] },
  ],
  environments: { dev: {} },
});
