"""Trains a small PyTorch classifier on translated images through AdaptedDataset.

A synthetic, labelled dataset (bright squares or disks on noise; label 0 or 1) stands for your simulator's
renders. AdaptedDataset sends its images to the translator in batches and yields (translated image, the same
label); the training loop is plain PyTorch. One JSON line per step, then a summary line.

    PYTHONPATH=clients/python python3 examples/pytorch/train_adapted.py --translator 127.0.0.1:50051 --model faces
"""
import argparse
import json
import math
import os

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from sim2real_client import AdaptedDataset, Translator


class SyntheticShapes(Dataset):
    """Map-style dataset of (H×W×3 uint8 image, label): label 1 = a disk, 0 = a square; deterministic per index."""

    def __init__(self, count, size):
        self.count, self.size = count, size

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        rng = np.random.default_rng(index)
        image = rng.integers(0, 80, (self.size, self.size, 3), dtype=np.uint8)
        label = index % 2
        r = self.size // 4
        cy, cx = rng.integers(r, self.size - r, 2)
        yy, xx = np.mgrid[:self.size, :self.size]
        inside = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r if label else (abs(yy - cy) <= r) & (abs(xx - cx) <= r)
        image[inside] = rng.integers(150, 256, 3, dtype=np.uint8)
        return image, label


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--translator", default=os.environ.get("SIM2REAL_TRANSLATOR", "127.0.0.1:50051"), help="host:port")
    parser.add_argument("--model", default=None, help="name or name@version (default: the server's default model)")
    parser.add_argument("--token", default=os.environ.get("SIM2REAL_TOKEN"), help="bearer token, if the server asks for one")
    parser.add_argument("--samples", type=int, default=512)
    parser.add_argument("--size", type=int, default=32, help="image width and height in pixels")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()

    torch.manual_seed(0)
    network = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 2))
    optimizer = torch.optim.Adam(network.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    step, correct, seen, loss = 0, 0, 0, math.nan
    with Translator(args.translator, token=args.token) as translator:
        adapted = AdaptedDataset(SyntheticShapes(args.samples, args.size), translator, model=args.model,
                                 batch_size=args.batch, prefetch=2)
        while step < args.steps:
            for images, labels in DataLoader(adapted, batch_size=args.batch):
                x = images.permute(0, 3, 1, 2).float() / 255  # N×H×W×3 uint8 → N×3×H×W in [0, 1]
                logits = network(x)
                batch_loss = loss_fn(logits, labels)
                optimizer.zero_grad()
                batch_loss.backward()
                optimizer.step()
                step += 1
                loss = batch_loss.item()
                correct += (logits.argmax(1) == labels).sum().item()
                seen += len(labels)
                print(json.dumps({"step": step, "loss": round(loss, 4)}), flush=True)
                if step >= args.steps:
                    break
    print(json.dumps({"steps": step, "final_loss": loss, "train_accuracy": correct / max(seen, 1)}), flush=True)


if __name__ == "__main__":
    main()
