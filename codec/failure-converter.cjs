// The failure converter of every Temporal client, worker and workflow bundle (codec/data-converter.ts):
// failures' messages and stack traces go into an encoded payload, so the payload codec encrypts
// them like everything else (an SMTP rejection naming the recipient would otherwise sit in the
// history in clear). A CommonJS module: the SDK require()s it by path, and bundles it into the
// workflows.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
