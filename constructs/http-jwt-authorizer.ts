import { Construct } from 'constructs';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';

/** Properties of an {@link HttpJwtAuthorizer}. */
export interface HttpJwtAuthorizerProps {
  /** Values the token's `aud` must contain one of. @default the audience the API passes at bind time (its stage invoke URL) */
  readonly jwtAudience?: readonly string[];
  /** Where the gateway reads the token. @default ['$request.header.Authorization'] */
  readonly identitySource?: readonly string[];
  /** @default the id given to the constructor */
  readonly authorizerName?: string;
}

/** What a route needs to use an authorizer. */
export interface HttpRouteAuthorizerConfig {
  readonly authorizationType: 'JWT';
  readonly authorizerId: string;
}

/** What an API hands the authorizer when a route first uses it. */
export interface HttpRouteAuthorizerBindOptions {
  /** Scope the authorizer resource is created in: the API construct; one authorizer serves one API. */
  readonly scope: Construct;
  readonly apiId: string;
  /** Used when the authorizer was built without `jwtAudience`. */
  readonly defaultAudience: readonly string[];
}

/**
 * A JWT authorizer for an HTTP API, in the manner of aws-cdk-lib's `HttpJwtAuthorizer`: it is
 * created in Terraform only once a route binds it, and every later bind reuses that resource.
 */
export class HttpJwtAuthorizer {
  private resource?: Apigatewayv2Authorizer;
  private boundScope?: Construct;
  private boundAudience?: readonly string[];

  constructor(
    private readonly id: string,
    /** Must equal the token's `iss` exactly; API Gateway accepts only https issuers. */
    readonly jwtIssuer: string,
    private readonly props: HttpJwtAuthorizerProps = {},
  ) {
    if (!isAcceptedIssuer(jwtIssuer)) {
      throw new Error(
        `HttpJwtAuthorizer ${id}: issuer "${jwtIssuer}" must be an https URL (API Gateway ` +
          `refuses other issuers; http is allowed on loopback only, for the local sandbox)`,
      );
    }
    if (jwtIssuer.endsWith('/')) {
      throw new Error(
        `HttpJwtAuthorizer ${id}: issuer "${jwtIssuer}" ends with "/"; the gateway ` +
          `compares "iss" byte for byte and Asgardeo's has no trailing slash`,
      );
    }
    if (props.jwtAudience !== undefined && props.jwtAudience.length === 0) {
      throw new Error(
        `HttpJwtAuthorizer ${id}: jwtAudience is empty; leave it out to use the stage invoke URL, or give at least one value`,
      );
    }
  }

  /** The Terraform resource, once bound. */
  get authorizer(): Apigatewayv2Authorizer | undefined {
    return this.resource;
  }

  /** The `aud` values the authorizer accepts, once bound. */
  get audience(): readonly string[] | undefined {
    return this.boundAudience;
  }

  bind(options: HttpRouteAuthorizerBindOptions): HttpRouteAuthorizerConfig {
    if (this.resource && this.boundScope !== options.scope) {
      throw new Error(`HttpJwtAuthorizer ${this.id}: already bound to another API; create one authorizer per API`);
    }
    if (!this.resource) {
      const audience = this.props.jwtAudience ?? options.defaultAudience;
      if (audience.length === 0) throw new Error(`HttpJwtAuthorizer ${this.id}: no audience to bind with`);
      this.resource = new Apigatewayv2Authorizer(options.scope, this.id, {
        apiId: options.apiId,
        name: this.props.authorizerName ?? this.id,
        authorizerType: 'JWT',
        identitySources: [...(this.props.identitySource ?? ['$request.header.Authorization'])],
        jwtConfiguration: { issuer: this.jwtIssuer, audience: [...audience] },
      });
      this.boundScope = options.scope;
      this.boundAudience = audience;
    }
    return { authorizationType: 'JWT', authorizerId: this.resource.id };
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https always; http only on loopback, where the local sandbox's gateway stands in for AWS. */
function isAcceptedIssuer(issuer: string): boolean {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}
