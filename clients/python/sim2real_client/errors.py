"""Exceptions of sim2real_client: a failed call or request raises TranslatorError (or a subclass by status code)."""
import re
from typing import List, NamedTuple, Optional

import grpc

from ._proto.google.rpc import error_details_pb2, status_pb2

_STATUS_DETAILS_KEY = "grpc-status-details-bin"
_IMAGE_FIELD = re.compile(r"^images\[(\d+)\]$")
_STATUS_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}


class FieldViolation(NamedTuple):
    """A bad request field: its path (``images[2]``, ``source_uri``) and why."""

    field: str
    description: str


class TranslatorError(Exception):
    """A call to the translator failed.

    ``str(error)`` is the server's sentence; ``code`` the grpc.StatusCode; ``field_violations`` the
    google.rpc.BadRequest details; ``resource`` the (type, name) of the model or job a NOT_FOUND is about;
    ``image_index`` the position of the image at fault among the images passed to the call (``translate``) or
    the whole stream (``translate_stream``), None when no single image is.
    """

    def __init__(self, code: grpc.StatusCode, message: str, method: str,
                 field_violations: Optional[List[FieldViolation]] = None,
                 resource: Optional[tuple] = None, image_index: Optional[int] = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.method = method
        self.field_violations = field_violations or []
        self.resource = resource
        self.image_index = image_index


class InvalidArgumentError(TranslatorError, ValueError):
    """INVALID_ARGUMENT: the request can never succeed as sent (bad image, bad field)."""


class NotFoundError(TranslatorError, LookupError):
    """NOT_FOUND: no such model, version or training job."""


class ResourceExhaustedError(TranslatorError):
    """RESOURCE_EXHAUSTED: a server limit was reached; retry later or send less."""


class UnavailableError(TranslatorError, ConnectionError):
    """UNAVAILABLE: the server is down or shutting down (after the client's retries)."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
}


def from_rpc_error(error: grpc.RpcError, method: str) -> TranslatorError:
    """The TranslatorError of a failed grpc call, with the google.rpc.Status details the server sent."""
    code = error.code()
    message = error.details() or f"{method} failed with {code.name}."
    violations: List[FieldViolation] = []
    resource = None
    for key, value in error.trailing_metadata() or ():
        if key != _STATUS_DETAILS_KEY:
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            if detail.type_url.endswith("/google.rpc.BadRequest"):
                bad = error_details_pb2.BadRequest.FromString(detail.value)
                violations += [FieldViolation(v.field, v.description) for v in bad.field_violations]
            elif detail.type_url.endswith("/google.rpc.ResourceInfo"):
                info = error_details_pb2.ResourceInfo.FromString(detail.value)
                resource = (info.resource_type, info.resource_name)
    image_index = next((int(m.group(1)) for m in (_IMAGE_FIELD.match(v.field) for v in violations) if m), None)
    return _BY_CODE.get(code, TranslatorError)(code, message, method, violations, resource, image_index)


def from_request_error(error, method: str, first_image: int) -> TranslatorError:
    """The TranslatorError of one failed request of a stream (``TranslateResponse.error``: code, message, index of
    the image at fault in the request or -1), its image index counted from the stream's first image."""
    code = _STATUS_BY_NUMBER.get(error.code, grpc.StatusCode.UNKNOWN)
    image_index = first_image + error.image_index if error.image_index >= 0 else None
    return _BY_CODE.get(code, TranslatorError)(code, error.message, method, image_index=image_index)
