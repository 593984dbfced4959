import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where Terraform's AWS provider will find credentials, or why it will not. Never holds a secret. */
export type AwsCredentialSource = { found: true; source: string } | { found: false; problem: string; fix: string };

const FIX =
  'export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE naming ' +
  'a profile in ~/.aws/credentials or ~/.aws/config (`aws configure` / `aws sso login --profile <name>` writes one); ' +
  'in GitHub Actions use aws-actions/configure-aws-credentials (OIDC)';

/**
 * Looks for credentials the way the AWS SDK's default chain does, without calling AWS: environment
 * keys, web identity, container credentials, then the named (or default) profile in the shared files.
 * Instance-metadata credentials cannot be seen offline; AWS_EC2_METADATA_CREDENTIALS=1 declares them.
 */
export function findAwsCredentials(env: NodeJS.ProcessEnv, home: string = os.homedir()): AwsCredentialSource {
  const keyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secret = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (keyId && secret) return { found: true, source: 'environment (AWS_ACCESS_KEY_ID)' };
  if (keyId || secret) {
    return {
      found: false,
      problem:
        `${keyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY'} is set but ` +
        `${keyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is not.`,
      fix: 'set both variables of the key pair (or ' + 'unset both and use AWS_PROFILE)',
    };
  }
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN)
    return { found: true, source: `web identity (AWS_ROLE_ARN ` + `${env.AWS_ROLE_ARN})` };
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
    return { found: true, source: 'container credentials (AWS_CONTAINER_CREDENTIALS_*)' };
  if (env.AWS_EC2_METADATA_CREDENTIALS === '1')
    return { found: true, source: 'EC2 instance role (declared by ' + 'AWS_EC2_METADATA_CREDENTIALS=1)' };

  const profile = env.AWS_PROFILE?.trim() || env.AWS_DEFAULT_PROFILE?.trim();
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
  const configFile = env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
  const name = profile || 'default';
  const inCredentials = sectionsOf(credentialsFile).has(name);
  const inConfig = sectionsOf(configFile).has(name === 'default' ? 'default' : `profile ${name}`);
  if (inCredentials || inConfig) return { found: true, source: `profile "${name}" (${inCredentials ? credentialsFile : configFile})` };
  if (profile) {
    return {
      found: false,
      problem: `AWS_PROFILE is "${profile}" but neither ${credentialsFile} nor ${configFile} defines that profile.`,
      fix: `create it with \`aws configure --profile ${profile}\` (or \`aws configure sso\`), or set AWS_PROFILE to a profile that exists`,
    };
  }
  return {
    found: false,
    problem: 'no AWS credentials found (no AWS_ACCESS_KEY_ID, AWS_PROFILE, web identity or default ' + 'profile).',
    fix: FIX,
  };
}

/** Section names (`default`, `profile dev`) of an INI file; empty when the file is absent. */
function sectionsOf(file: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return new Set();
  }
  const names = [...text.matchAll(/^\s*\[\s*([^\]]+?)\s*\]\s*$/gm)].map((m) => m[1].replace(/\s+/g, ' '));
  return new Set(names);
}
