/**
 * The least a function can be: bench/bundle-sizes.ts bundles this handler the way every Rectify
 * function is bundled (ServiceFunction) and times its import beside theirs, as the floor of a
 * cold start.
 */
export const handler = async () => ({ statusCode: 200, body: 'hello world' });
