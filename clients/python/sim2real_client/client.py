"""The Python client of the sim2real translator (gRPC service sim2real.v1.Translator)."""
import itertools
import random
import threading
import time
from typing import Dict, Iterable, Iterator, List, Optional, Sequence

import grpc
import numpy as np

from ._proto.sim2real.v1 import image_pb2, translator_pb2, translator_pb2_grpc
from .errors import TranslatorError, UnavailableError, from_request_error, from_rpc_error

_RAW = image_pb2.ENCODING_RAW_RGB8
_CONFIG_FIELDS = {f.name for f in translator_pb2.TrainingConfig.DESCRIPTOR.fields} - {"overrides"}


def _image_message(image) -> image_pb2.Image:
    array = np.asarray(image)
    if array.dtype != np.uint8 or array.ndim != 3 or array.shape[2] != 3:
        raise ValueError(f"Each image must be an H×W×3 uint8 array, got shape {array.shape} and dtype {array.dtype}.")
    height, width, _ = array.shape
    return image_pb2.Image(data=np.ascontiguousarray(array).tobytes(), encoding=_RAW, width=width, height=height)


def _array(image: image_pb2.Image, channels: int) -> np.ndarray:
    if image.encoding != _RAW:
        raise TranslatorError(grpc.StatusCode.INTERNAL, f"The server answered encoding {image.encoding}, not raw RGB8.", "Translate")
    shape = (image.height, image.width, channels) if channels > 1 else (image.height, image.width)
    return np.frombuffer(image.data, dtype=np.uint8).reshape(shape).copy()


def _outputs(response: translator_pb2.TranslateResponse, include_attention: bool) -> list:
    images = [_array(r.image, 3) for r in response.results]
    if not include_attention:
        return images
    return [(image, _array(r.attention, 1)) for image, r in zip(images, response.results)]


class Translator:
    """A client of the translator at ``target`` (``host:port``).

    ``token`` is sent as ``authorization: Bearer <token>``; ``root_certificates`` (PEM bytes) turns TLS on,
    and ``private_key`` with ``certificate_chain`` adds a client certificate. ``timeout`` (seconds) is the
    deadline of unary calls; calls that end UNAVAILABLE are retried ``retries`` times with jittered
    exponential backoff (not start_training, which is not idempotent). Use it as a context manager or call
    ``close()``.
    """

    def __init__(self, target: str, token: Optional[str] = None, root_certificates: Optional[bytes] = None,
                 private_key: Optional[bytes] = None, certificate_chain: Optional[bytes] = None,
                 timeout: float = 60.0, retries: int = 3, max_message_bytes: int = 16 * 1024 * 1024):
        options = [("grpc.max_receive_message_length", max_message_bytes),
                   ("grpc.max_send_message_length", max_message_bytes)]
        if root_certificates is not None or private_key is not None:
            credentials = grpc.ssl_channel_credentials(root_certificates, private_key, certificate_chain)
            self._channel = grpc.secure_channel(target, credentials, options)
        else:
            self._channel = grpc.insecure_channel(target, options)
        self._stub = translator_pb2_grpc.TranslatorStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._timeout = timeout
        self._retries = retries

    def __enter__(self) -> "Translator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def _unary(self, name: str, request, retry: bool = True):
        method = getattr(self._stub, name)
        deadline = time.monotonic() + self._timeout
        for attempt in itertools.count(1):
            try:
                return method(request, timeout=max(0.0, deadline - time.monotonic()), metadata=self._metadata)
            except grpc.RpcError as error:
                failure = from_rpc_error(error, name)
                wait = random.uniform(0, min(5.0, 0.1 * 2 ** (attempt - 1)))
                if not (retry and isinstance(failure, UnavailableError) and attempt <= self._retries
                        and time.monotonic() + wait < deadline):
                    raise failure from None
                time.sleep(wait)

    def translate(self, images: Sequence, model: Optional[str] = None, include_attention: bool = False) -> list:
        """Translates H×W×3 uint8 arrays; returns arrays of the same shapes, in order.

        With ``include_attention`` each item is a ``(translated, attention)`` pair, the attention an H×W uint8 mask.
        A bad image raises InvalidArgumentError whose ``image_index`` is its position in ``images``.
        """
        request = translator_pb2.TranslateRequest(
            model=model or "", images=[_image_message(i) for i in images],
            include_attention=include_attention, output_encoding=_RAW)
        return _outputs(self._unary("Translate", request), include_attention)

    def translate_stream(self, images: Iterable, model: Optional[str] = None, include_attention: bool = False,
                         batch_size: int = 8, max_in_flight: int = 4, return_exceptions: bool = False) -> Iterator:
        """Translates a stream of images on one TranslateStream call; yields the outputs in input order.

        Images go out in requests of ``batch_size``; at most ``max_in_flight`` requests are unanswered at once,
        so the input iterable is read only as fast as results are consumed. Closing the generator cancels the call.

        A request the server refuses (a bad image, an unknown model) fails alone; the call goes on for the others.
        By default its TranslatorError (by status code, e.g. InvalidArgumentError, with ``image_index`` counted
        from the stream's first image) is raised at the request's position, after every output before it, which
        ends the generator. With ``return_exceptions=True`` (as in ``asyncio.gather``) the error is yielded in
        place of each image of the failed request instead, so outputs stay aligned with inputs and the stream
        goes on. A failure of the call itself (the server gone) always raises.
        """
        slots = threading.Semaphore(max_in_flight)
        finished = threading.Event()
        # Position of each request's first image in the stream, and its image count.
        spans: Dict[int, tuple] = {}

        def requests():
            iterator = iter(images)
            first = 0
            for index in itertools.count():
                batch = list(itertools.islice(iterator, batch_size))
                if not batch:
                    return
                spans[index] = (first, len(batch))
                first += len(batch)
                while not slots.acquire(timeout=0.1):
                    if finished.is_set():
                        return
                if finished.is_set():
                    return
                yield translator_pb2.TranslateRequest(
                    request_id=str(index), model=model or "", images=[_image_message(i) for i in batch],
                    include_attention=include_attention, output_encoding=_RAW)

        responses = self._stub.TranslateStream(requests(), metadata=self._metadata)
        pending: Dict[int, list] = {}
        next_index = 0
        try:
            for response in responses:
                slots.release()
                index = int(response.request_id)
                if response.HasField("error"):
                    first, count = spans[index]
                    failure = from_request_error(response.error, "TranslateStream", first)
                    pending[index] = [failure] * count
                else:
                    pending[index] = _outputs(response, include_attention)
                while next_index in pending:
                    for output in pending.pop(next_index):
                        if isinstance(output, TranslatorError) and not return_exceptions:
                            raise output
                        yield output
                    next_index += 1
        except grpc.RpcError as error:
            raise from_rpc_error(error, "TranslateStream") from None
        finally:
            finished.set()
            responses.cancel()

    def list_models(self, page_size: int = 0) -> List[translator_pb2.ModelInfo]:
        """Every model of the registry with its versions (all pages of ListModels)."""
        models, token = [], ""
        while True:
            page = self._unary("ListModels", translator_pb2.ListModelsRequest(page_size=page_size, page_token=token))
            models += page.models
            token = page.next_page_token
            if not token:
                return models

    def get_model(self, model: str) -> translator_pb2.ModelInfo:
        """``name`` (all versions) or ``name@version``."""
        return self._unary("GetModel", translator_pb2.GetModelRequest(model=model)).model

    def start_training(self, model_name: str, source_uri: str, target_uri: str, config: Optional[dict] = None,
                       overrides: Optional[dict] = None, sample_every_steps: int = 0) -> translator_pb2.TrainingJob:
        """Queues a training job on server-side folders; returns the job (``job.job_id`` for watch_training).

        ``config`` holds TrainingConfig fields (image_size, steps, batch_size, no_attention, seed, generator_width,
        residual_blocks, learning_rate); ``overrides`` any other translation option by its name
        (e.g. ``{"lambda": {"step": 1e-5}}``).
        """
        config = dict(config or {})
        unknown = set(config) - _CONFIG_FIELDS
        if unknown:
            raise ValueError(f"Unknown TrainingConfig fields {sorted(unknown)}; put translation options in overrides.")
        message = translator_pb2.TrainingConfig(**config)
        if overrides:
            message.overrides.update(overrides)
        request = translator_pb2.StartTrainingRequest(
            model_name=model_name, source_uri=source_uri, target_uri=target_uri, config=message,
            sample_every_steps=sample_every_steps)
        return self._unary("StartTraining", request, retry=False).job

    def watch_training(self, job) -> Iterator[translator_pb2.TrainingEvent]:
        """The events of a job (a TrainingJob or its id) from its start until it ends."""
        job_id = job if isinstance(job, str) else job.job_id
        call = self._stub.WatchTraining(translator_pb2.WatchTrainingRequest(job_id=job_id), metadata=self._metadata)
        try:
            for response in call:
                yield response.event
        except grpc.RpcError as error:
            raise from_rpc_error(error, "WatchTraining") from None
        finally:
            call.cancel()

    def cancel_training(self, job) -> translator_pb2.TrainingJob:
        """Stops a job, keeping its last checkpoint."""
        job_id = job if isinstance(job, str) else job.job_id
        return self._unary("CancelTraining", translator_pb2.CancelTrainingRequest(job_id=job_id)).job

