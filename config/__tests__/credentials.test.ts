import { loadConfig } from '..';
import { ConfigFiles, configErrorOf, issueAt, validConfig, type LooseConfig } from './support';

const files = new ConfigFiles();
afterAll(() => files.remove());

function withDelivery(...deliveries: (Record<string, unknown> | undefined)[]): LooseConfig {
  const config = validConfig();
  deliveries.forEach((d, i) => {
    if (d) config.clients[i].credentials = { awsSecretsManager: d };
  });
  return config;
}
const load = (config: LooseConfig, env = 'dev') => loadConfig({ file: files.write(config), env, environment: {} });

describe('clients[].credentials', () => {
  it('resolves the default secret name from the stack and client, readers as given; clients without it deliver nowhere', () => {
    const config = load(withDelivery({ readers: ['arn:aws:iam::123456789012:role/reader-task'] }));
    expect(config.clients[0]!.credentials).toEqual({
      awsSecretsManager: {
        name: 'tollgate/pharmacy-user-api-dev/pharmacy-reader',
        nameSource: 'default',
        readers: ['arn:aws:iam::123456789012:role/reader-task'],
      },
    });
    expect(config.clients[1]!.credentials).toBeUndefined();
    expect(load(withDelivery({}), 'prod').clients[0]!.credentials?.awsSecretsManager.name).toBe(
      'tollgate/pharmacy-user-api-prod/pharmacy-reader',
    );
  });

  it('keeps a configured name', () => {
    const config = load(withDelivery({ name: 'pharmacy/dev/reader' }));
    expect(config.clients[0]!.credentials?.awsSecretsManager).toMatchObject({
      name: 'pharmacy/dev/reader',
      nameSource: 'configured',
      readers: [],
    });
  });

  it('refuses an invalid secret name, with the path and a fix', () => {
    const issue = issueAt(
      configErrorOf(() => load(withDelivery({ name: 'has spaces' }))),
      'clients[0].credentials.awsSecretsManager.name',
    );
    expect(issue.message).toContain('not a valid Secrets Manager secret name');
    expect(issue.fix).toContain('letters, digits');
  });

  it('refuses two clients writing to one secret', () => {
    const error = configErrorOf(() => load(withDelivery({ name: 'shared/secret' }, { name: 'shared/secret' })));
    const issue = issueAt(error, 'clients[1].credentials.awsSecretsManager.name');
    expect(issue.message).toContain('client "pharmacy-reader" also uses');
    expect(issue.fix).toContain('its own secret name');
  });

  it('refuses a reader that is not an IAM principal ARN (an assumed-role session included)', () => {
    const error = configErrorOf(() =>
      load(withDelivery({ readers: ['arn:aws:iam::123456789012:role/ok', 'reader-task', 'arn:aws:sts::123456789012:assumed-role/r/s'] })),
    );
    expect(issueAt(error, 'clients[0].credentials.awsSecretsManager.readers[1]').message).toContain(
      '"reader-task" is not an IAM principal ARN',
    );
    expect(issueAt(error, 'clients[0].credentials.awsSecretsManager.readers[2]').fix).toContain('not an assumed-role session');
    expect(error.issues.some((i) => i.path.endsWith('readers[0]'))).toBe(false);
  });

  it('refuses unknown keys in the block (strict schema)', () => {
    const error = configErrorOf(() => load(withDelivery({ name: 'a/b', value: 'x' })));
    expect(error.issues.some((i) => i.path.startsWith('clients[0].credentials.awsSecretsManager'))).toBe(true);
  });
});
