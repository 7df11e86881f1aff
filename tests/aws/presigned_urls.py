"""Presigned S3 URLs pass moto's authorization unchecked.

moto authorizes a request from its Authorization header and has none to read in a presigned URL
(its signature is in the query string): with authorization on, every presigned GET or PUT fails.
The aws_ssm connection moves modules and files through the transfer bucket with presigned URLs
that the instance fetches with curl. On AWS those requests are authorized as the identity that
signed them, the operator, by the s3 actions docs/aws-operator-policy.json grants on the bucket;
here they go through unchecked, and only the operator's own signed calls are checked.
"""
import functools

from moto.core.authorization import ActionAuthenticatorMixin

_authorize = ActionAuthenticatorMixin._authenticate_and_authorize_action


@functools.wraps(_authorize)
def _unless_presigned(self, iam_request_cls, resource="*"):
    if "Authorization" not in self.headers and "X-Amz-Credential" in (getattr(self, "uri", "") or ""):
        return None
    return _authorize(self, iam_request_cls, resource)


ActionAuthenticatorMixin._authenticate_and_authorize_action = _unless_presigned
