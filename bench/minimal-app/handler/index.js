'use strict';
// The hand-written minimum's Lambda code: a fixed file, archived by cdktf's TerraformAsset at every synth.
exports.handler = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"message":"Welcome User!"}' });
