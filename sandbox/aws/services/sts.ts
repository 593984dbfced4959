/** STS (query/XML, version 2011-06-15): who the dummy credentials are. */
import type { LocalAwsState } from '../state';
import type { ServiceHandler } from './service';

export function stsService(state: LocalAwsState): ServiceHandler {
  return {
    service: 'sts',
    operations: {
      GetCallerIdentity() {
        return { body: { Arn: `arn:aws:iam::${state.account}:user/local-aws`, UserId: 'AIDALOCALAWSUSER00000', Account: state.account } };
      },
    },
  };
}
