import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';

/** GET /orders and GET /orders/{id}: one function serves both (they name the same file). */
export async function handler(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyResultV2> {
  const id = event.pathParameters?.id;
  const body = id
    ? { handler: 'orders', order: { id, status: 'packed' } }
    : { handler: 'orders', table: process.env.ORDERS_TABLE, orders: [{ id: 'ord-1001', status: 'packed' }] };
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
