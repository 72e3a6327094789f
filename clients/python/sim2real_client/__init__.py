"""Python client of the sim2real translator: ``Translator`` (gRPC) and ``AdaptedDataset`` (PyTorch)."""
from .client import Translator
from .errors import (FieldViolation, InvalidArgumentError, NotFoundError, ResourceExhaustedError,
                     TranslatorError, UnavailableError)

__all__ = ["Translator", "AdaptedDataset", "TranslatorError", "InvalidArgumentError", "NotFoundError",
           "ResourceExhaustedError", "UnavailableError", "FieldViolation"]


def __getattr__(name):
    # torch is optional: AdaptedDataset loads it on first use.
    if name == "AdaptedDataset":
        from .torch_dataset import AdaptedDataset
        return AdaptedDataset
    raise AttributeError(name)
