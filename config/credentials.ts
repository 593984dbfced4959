/**
 * A client's `credentials` block: where tollgate delivers its client id and secret so the workload
 * that uses the client can read them (today: one AWS Secrets Manager secret). Its schema, the
 * rules relating it to the rest of the configuration, and its resolved form.
 */
import { z } from 'zod';
import type { ConfigIssue } from './errors';

/** Secrets Manager's name rule (CreateSecret `Name`). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** An IAM principal a resource policy can name: an account root, a role or a user (assumed-role sessions cannot be named). */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(?:root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;

export const credentialsSchema = z
  .object({
    awsSecretsManager: z
      .object({
        /** Default: `tollgate/<stack>/<client>`. */
        name: z.string().min(1).optional(),
        /** IAM principal ARNs granted `secretsmanager:GetSecretValue` on this secret by a resource policy. */
        readers: z.array(z.string()).optional(),
      })
      .strict(),
  })
  .strict();

export type CredentialsConfig = z.infer<typeof credentialsSchema>;

/** Where a client's credentials go, every default filled in. */
export interface ResolvedCredentialDelivery {
  readonly awsSecretsManager: {
    /** The secret's name. */
    readonly name: string;
    /** Whether `name` was configured or is the default. */
    readonly nameSource: 'configured' | 'default';
    readonly readers: readonly string[];
  };
}

export function defaultSecretName(stackName: string, clientName: string): string {
  return `tollgate/${stackName}/${clientName.replace(/[^A-Za-z0-9/_+=.@-]/g, '-')}`;
}

export function resolveCredentials(
  credentials: CredentialsConfig | undefined,
  stackName: string,
  clientName: string,
): ResolvedCredentialDelivery | undefined {
  if (!credentials) return undefined;
  const { name, readers } = credentials.awsSecretsManager;
  return {
    awsSecretsManager: {
      name: name ?? defaultSecretName(stackName, clientName),
      nameSource: name ? 'configured' : 'default',
      readers: [...new Set(readers ?? [])],
    },
  };
}

/** Rules beyond the schema: valid secret names, no two clients writing one secret, readers that IAM accepts. */
export function credentialIssues(
  clients: readonly { name: string; credentials?: CredentialsConfig }[] | undefined,
  stackName: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owners = new Map<string, string>();
  (clients ?? []).forEach((client, i) => {
    const delivery = resolveCredentials(client.credentials, stackName, client.name);
    if (!delivery) return;
    const at = `clients[${i}].credentials.awsSecretsManager`;
    const { name } = delivery.awsSecretsManager;
    if (!SECRET_NAME.test(name)) {
      issues.push({
        path: `${at}.name`,
        message: `"${name}" is not a valid Secrets Manager secret name`,
        fix: 'use 1-512 letters, digits and / _ + = . @ - (e.g. "pharmacy/dev/reader")',
      });
    }
    const other = owners.get(name);
    if (other !== undefined) {
      issues.push({
        path: `${at}.name`,
        message: `client "${client.name}" would write its credentials to the secret "${name}", which client "${other}" also uses`,
        fix: 'give each client its own secret name',
      });
    }
    owners.set(name, client.name);
    (client.credentials?.awsSecretsManager.readers ?? []).forEach((reader, j) => {
      if (!PRINCIPAL_ARN.test(reader)) {
        issues.push({
          path: `${at}.readers[${j}]`,
          message: `"${reader}" is not an IAM principal ARN a resource policy can name`,
          fix: 'use a role, user or account ARN such as "arn:aws:iam::123456789012:role/reader-task" (not an assumed-role session)',
        });
      }
    });
  });
  return issues;
}
