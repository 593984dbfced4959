/** How adoption reads in a plan and in a deploy's refusal, without Terraform. */
import { UserError } from '../../../errors';
import { adoptionLines, adoptionRefusal, type Adoption } from '../index';

const objects = [
  {
    address: 'aws_lambda_function.fn',
    object: 'Lambda function shop-api-dev-handler',
    why: 'same function name',
    importId: 'shop-api-dev-handler',
  },
  { address: 'aws_apigatewayv2_stage.stage', object: 'stage dev of HTTP API api2', why: 'same stage name', importId: 'api2/dev' },
];
const found: Adoption = { objects, unchecked: [], imported: false, calls: 5 };

test('without --adopt the plan names each object that exists, how it was recognized, and that --adopt imports them', () => {
  expect(adoptionLines(found)).toEqual([
    "2 resources this plan creates already exist in AWS but not in Terraform's state (a run killed before it recorded them, " +
      'a lost state, or a copy made by hand); --adopt imports them:',
    '!   aws_lambda_function.fn: Lambda function shop-api-dev-handler (same function name)',
    '!   aws_apigatewayv2_stage.stage: stage dev of HTTP API api2 (same stage name)',
  ]);
});

test('with --adopt the plan lists what it imports, with the import IDs; an unchecked resource is named with why', () => {
  const lines = adoptionLines({
    ...found,
    imported: true,
    unchecked: [{ address: 'aws_iam_role.role', reason: 'AccessDenied: not authorized to perform iam:ListRoles' }],
  });
  expect(lines[0]).toBe("2 objects that exist in AWS but not in Terraform's state, imported by this plan (--adopt):");
  expect(lines[1]).toBe(
    '<-  aws_lambda_function.fn: Lambda function shop-api-dev-handler (same function name; import ID shop-api-dev-handler)',
  );
  expect(lines[3]).toBe(
    '?   aws_iam_role.role: could not check whether it exists in AWS: AccessDenied: not authorized to perform iam:ListRoles',
  );
  // Checks that all fail alike (no credentials on this machine) are one line.
  const noCredentials = 'CredentialsProviderError: Could not load credentials from any providers';
  const many = adoptionLines({
    objects: [],
    imported: false,
    calls: 0,
    unchecked: ['a.x', 'b.y', 'c.z'].map((address) => ({ address, reason: noCredentials })),
  });
  expect(many).toEqual([`?   could not check whether 3 resources exist in AWS (a.x, b.y, c.z): ${noCredentials}`]);
});

test('a deploy without --adopt is refused with each resource and the exact command that adopts them', () => {
  const err = adoptionRefusal(found, 'npx tollgate deploy --env prod --adopt');
  expect(err).toBeInstanceOf(UserError);
  expect(err!.message).toBe(
    "the AWS plan creates 2 resources whose objects already exist in AWS but are not in Terraform's state, so nothing was " +
      'changed on either side:\n' +
      '  aws_lambda_function.fn: Lambda function shop-api-dev-handler (same function name)\n' +
      '  aws_apigatewayv2_stage.stage: stage dev of HTTP API api2 (same stage name)',
  );
  expect(err!.hint).toContain(
    'adopt them: `npx tollgate deploy --env prod --adopt` (Terraform imports them into its state; the plan shows "2 to import")',
  );
  expect(adoptionRefusal({ ...found, objects: objects.slice(0, 1) }, 'x')!.message).toMatch(
    /^the AWS plan creates 1 resource whose object already exists/,
  );
});

test('nothing to refuse: no adoption, an --adopt plan that imports them, or only unchecked resources', () => {
  expect(adoptionRefusal(undefined, 'x')).toBeUndefined();
  expect(adoptionRefusal({ ...found, imported: true }, 'x')).toBeUndefined();
  expect(adoptionRefusal({ ...found, objects: [], unchecked: [{ address: 'a.b', reason: 'r' }] }, 'x')).toBeUndefined();
});
