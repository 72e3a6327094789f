"""AdaptedDataset: a PyTorch dataset whose images go through the translator, labels untouched."""
import collections
from typing import Optional

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info

from .client import Translator


def _to_uint8_hwc(image):
    """An H×W×3 uint8 array of ``image``, and a function that gives a translated array back in its form.

    Accepts H×W×3 uint8 arrays or tensors, and C×H×W float tensors in [0, 1] (torchvision's ToTensor layout).
    """
    if isinstance(image, torch.Tensor):
        if image.dtype == torch.uint8 and image.ndim == 3 and image.shape[-1] == 3:
            return image.numpy(), torch.from_numpy
        if image.is_floating_point() and image.ndim == 3 and image.shape[0] == 3:
            array = (image.clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
            dtype = image.dtype
            return array, lambda out: torch.from_numpy(out).permute(2, 0, 1).to(dtype) / 255
        raise ValueError(f"Tensor images must be H×W×3 uint8 or 3×H×W float, got {tuple(image.shape)} {image.dtype}.")
    array = np.asarray(image)
    return array, lambda out: out


class AdaptedDataset(IterableDataset):
    """Wraps a map-style dataset of ``(image, label)``: yields ``(translated image, the same label)``.

    Images are translated ``batch_size`` at a time on one TranslateStream call, with up to ``prefetch`` batches
    in flight ahead of the consumer; the label object is passed through as it is, and samples come out in the
    dataset's order. A translated image has the form of its input (array, uint8 tensor, or float tensor).
    With DataLoader workers, each worker takes every n-th batch; give each worker process its own
    Translator (gRPC channels do not survive fork), or keep num_workers=0: the work happens on the server.
    """

    def __init__(self, dataset, translator: Translator, model: Optional[str] = None, batch_size: int = 32,
                 prefetch: int = 2):
        if batch_size < 1 or prefetch < 1:
            raise ValueError("batch_size and prefetch must be at least 1.")
        self.dataset = dataset
        self.translator = translator
        self.model = model
        self.batch_size = batch_size
        self.prefetch = prefetch

    def __len__(self) -> int:
        return len(self.dataset)

    def _indices(self):
        worker = get_worker_info()
        for start in range(0, len(self.dataset), self.batch_size):
            if worker is None or (start // self.batch_size) % worker.num_workers == worker.id:
                yield from range(start, min(start + self.batch_size, len(self.dataset)))

    def __iter__(self):
        pending = collections.deque()

        def images():
            for index in self._indices():
                image, label = self.dataset[index]
                array, restore = _to_uint8_hwc(image)
                pending.append((restore, label))
                yield array

        translated = self.translator.translate_stream(
            images(), model=self.model, batch_size=self.batch_size, max_in_flight=self.prefetch)
        try:
            for output in translated:
                restore, label = pending.popleft()
                yield restore(output), label
        finally:
            translated.close()
