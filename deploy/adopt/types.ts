/**
 * Adoption on the AWS side: a resource the Terraform plan creates whose object already exists in AWS
 * (a run killed before it recorded it, a state lost, a copy made by hand). Each resource type tollgate
 * synthesizes has one module saying how to read the object's identity from the synthesized resource,
 * how to ask AWS whether it exists, and the ID `terraform import` takes for it.
 */
import type { AwsClients } from './clients';

/** One resource of the synthesized `cdk.tf.json`. */
export interface SynthesizedResource {
  /** `aws_lambda_function` */
  readonly type: string;
  /** `handler_function_EDBDF687` */
  readonly name: string;
  /** `aws_lambda_function.handler_function_EDBDF687` */
  readonly address: string;
  /** Its arguments as synthesized (references are `${type.name.attr}` strings). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** An object found in AWS for a resource. */
export interface FoundObject {
  /** What `terraform import` (and an `import` block's `id`) takes for this resource type. */
  readonly importId: string;
  /** The object as AWS names it: `Lambda function pharmacy-user-api-dev-handler`. */
  readonly object: string;
  /** How tollgate knows it is this resource: `same function name`, `tag tollgate:stack=… and name …`. */
  readonly why: string;
  /** Attribute values other resources' references read (`id`, `arn`, `invoke_arn`, …). */
  readonly attributes: Readonly<Record<string, string>>;
}

/** What a type module gets to find its object. */
export interface FindContext {
  /** The stack's name: the value of the `tollgate:stack` tag its provider sets on everything. */
  readonly stack: string;
  readonly aws: AwsClients;
  /**
   * A string argument of `resource` with a reference (`${aws_iam_role.x.id}`) resolved: from the
   * referenced resource's own configuration when it is set there, else from the object found in AWS
   * for that resource. Undefined when it cannot be known (the referenced object does not exist).
   */
  value(resource: SynthesizedResource, argument: string): Promise<string | undefined>;
}

/** One Terraform resource type tollgate can adopt. */
export interface AdoptableType {
  readonly type: string;
  /** The object in AWS this resource would create, when it exists already; undefined when it does not. */
  find(resource: SynthesizedResource, ctx: FindContext): Promise<FoundObject | undefined>;
}

/** A resource the plan creates whose object exists in AWS already, not in Terraform's state. */
export interface AdoptableObject {
  /** `aws_lambda_function.handler_function_EDBDF687` */
  readonly address: string;
  /** The object in AWS: `Lambda function pharmacy-user-api-dev-handler`. */
  readonly object: string;
  /** How tollgate knows the object is this resource's. */
  readonly why: string;
  /** The ID Terraform imports it by. */
  readonly importId: string;
}

/** What adoption found for one plan. */
export interface Adoption {
  /** Objects the plan would create that exist already (without `--adopt`), or that it imports (with it). */
  readonly objects: readonly AdoptableObject[];
  /** Resources the plan creates that could not be checked (an AWS call failed): address and why. */
  readonly unchecked: readonly { readonly address: string; readonly reason: string }[];
  /** Whether the plan imports `objects` (`--adopt`). */
  readonly imported: boolean;
  /** AWS calls made to find them. */
  readonly calls: number;
}
