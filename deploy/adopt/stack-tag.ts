/** The tag the stack's provider sets on everything it creates (default_tags): `tollgate:stack=<stack>`. */
export const STACK_TAG = 'tollgate:stack';
