import { startLocalAsgardeo, type LocalAsgardeo, type LocalAsgardeoOptions } from '../index';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A thin HTTP client over one local Asgardeo for the tests. */
export class TestClient {
  constructor(readonly server: LocalAsgardeo) {}

  url(path: string): string {
    return `${this.server.baseUrl}/t/${this.server.organization}${path}`;
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(this.url(path), { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
  }

  async token(clientId: string, clientSecret: string, scope: string, mode: 'basic' | 'form' = 'basic'): Promise<Reply> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope });
    const headers: Record<string, string> = {};
    if (mode === 'basic') headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    return this.request('POST', '/oauth2/token', { body: form.toString(), contentType: 'application/x-www-form-urlencoded', headers });
  }

  /** An admin token with every internal scope. */
  async adminToken(scope = 'SYSTEM'): Promise<string> {
    const reply = await this.token(this.server.admin.clientId, this.server.admin.clientSecret, scope);
    if (reply.status !== 200) throw new Error(`admin token failed: ${reply.status} ${reply.text}`);
    return reply.body.access_token as string;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async createApiResource(token: string, body: Record<string, unknown>): Promise<any> {
    const reply = await this.request('POST', '/api/server/v1/api-resources', { token, body });
    if (reply.status !== 201) throw new Error(`create API resource failed: ${reply.status} ${reply.text}`);
    return reply.body;
  }

  /** Creates an application and returns its id (the last segment of Location). */
  async createApp(token: string, body: Record<string, unknown>): Promise<string> {
    const reply = await this.request('POST', '/api/server/v1/applications', { token, body });
    if (reply.status !== 201) throw new Error(`create application failed: ${reply.status} ${reply.text}`);
    return reply.headers.get('location')!.split('/').pop()!;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async oidc(token: string, appId: string): Promise<any> {
    return (await this.request('GET', `/api/server/v1/applications/${appId}/inbound-protocols/oidc`, { token })).body;
  }
}

export function m2mApp(name: string, oidc: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    templateId: 'm2m-application',
    associatedRoles: { allowedAudience: 'APPLICATION', roles: [] },
    inboundProtocolConfiguration: {
      oidc: {
        grantTypes: ['client_credentials'],
        publicClient: false,
        accessToken: { type: 'JWT', applicationAccessTokenExpiryInSeconds: 3600 },
        ...oidc,
      },
    },
  };
}

export async function startTestServer(options: Partial<LocalAsgardeoOptions> = {}): Promise<{ server: LocalAsgardeo; client: TestClient }> {
  const server = await startLocalAsgardeo({ organization: 'pharmacy', ...options });
  return { server, client: new TestClient(server) };
}
