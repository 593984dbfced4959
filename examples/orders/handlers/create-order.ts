import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';

/** POST /orders: its own function, with its own memory, timeout and environment (aws.functions). */
export async function handler(event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyResultV2> {
  const id = `${process.env.ORDER_ID_PREFIX ?? 'order'}-${event.requestContext.requestId.slice(0, 8)}`;
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', location: `/orders/${id}` },
    body: JSON.stringify({ handler: 'create-order', order: { id, createdBy: event.requestContext.authorizer.jwt.claims.sub } }),
  };
}
