"""Tests against a real translator: test/python.test.ts starts one and runs `python3 -m unittest` with
SIM2REAL_TRANSLATOR (host:port, default model "tiny"), SIM2REAL_TRAIN_SOURCE and SIM2REAL_TRAIN_TARGET
(server-side image folders)."""
import filecmp
import os
import pathlib
import subprocess
import sys
import tempfile
import unittest

import grpc
import numpy as np

from sim2real_client import InvalidArgumentError, NotFoundError, Translator

ADDRESS = os.environ.get("SIM2REAL_TRANSLATOR", "")
HERE = pathlib.Path(__file__).resolve().parent.parent


def random_images(count, height=10, width=12, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (height + i % 3, width, 3), dtype=np.uint8) for i in range(count)]


class GeneratedStubs(unittest.TestCase):
    def test_stubs_match_proto(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, str(HERE / "scripts" / "generate_stubs.py"), out], check=True)
            committed = HERE / "sim2real_client" / "_proto"
            fresh = sorted(p.relative_to(out) for p in pathlib.Path(out).rglob("*.py"))
            self.assertEqual(fresh, sorted(p.relative_to(committed) for p in committed.rglob("*.py")))
            for path in fresh:
                self.assertTrue(filecmp.cmp(pathlib.Path(out) / path, committed / path, shallow=False),
                                f"{path} differs from what proto/ generates: run scripts/generate_stubs.py")


@unittest.skipUnless(ADDRESS, "SIM2REAL_TRANSLATOR is not set (test/python.test.ts sets it)")
class AgainstServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.translator = Translator(ADDRESS, token="not-checked-by-this-server")

    @classmethod
    def tearDownClass(cls):
        cls.translator.close()

    def test_round_trip(self):
        images = random_images(3)
        out = self.translator.translate(images)
        self.assertEqual([o.shape for o in out], [i.shape for i in images])
        self.assertTrue(all(o.dtype == np.uint8 for o in out))
        self.assertFalse(np.array_equal(out[0], images[0]), "the image was translated")
        pairs = self.translator.translate(images[:1], model="tiny@v1", include_attention=True)
        self.assertEqual(pairs[0][1].shape, images[0].shape[:2])

    def test_stream_keeps_order(self):
        images = random_images(11, seed=1)
        out = list(self.translator.translate_stream(iter(images), batch_size=2, max_in_flight=2))
        self.assertEqual([o.shape for o in out], [i.shape for i in images])
        single = self.translator.translate(images[4:5])[0]
        np.testing.assert_array_equal(out[4], single)

    def test_stream_bad_image_fails_only_its_request(self):
        images = random_images(7, seed=4)
        images[3] = np.zeros((0, 12, 3), dtype=np.uint8)  # no pixels: the server refuses it
        out = list(self.translator.translate_stream(iter(images), batch_size=2, max_in_flight=2, return_exceptions=True))
        self.assertEqual(len(out), len(images))
        # Request 1 (images 2 and 3) failed alone: both positions hold its error, the others their translations.
        for i in (2, 3):
            self.assertIsInstance(out[i], InvalidArgumentError)
            self.assertEqual(out[i].code, grpc.StatusCode.INVALID_ARGUMENT)
            self.assertEqual(out[i].image_index, 3)
            self.assertIn("image 1 of request", str(out[i]))  # the server's sentence counts within the request
        self.assertIs(out[2], out[3])
        for i in (0, 1, 4, 5, 6):
            self.assertEqual(out[i].shape, images[i].shape)
        np.testing.assert_array_equal(out[5], self.translator.translate(images[5:6])[0])

        # By default the error is raised at its position, after the outputs before it.
        stream = self.translator.translate_stream(iter(images), batch_size=2)
        self.assertEqual([next(stream).shape for _ in range(2)], [images[0].shape, images[1].shape])
        with self.assertRaises(InvalidArgumentError) as caught:
            next(stream)
        self.assertEqual(caught.exception.image_index, 3)

        # translate: the same error, its index counted among the call's images.
        with self.assertRaises(InvalidArgumentError) as caught:
            self.translator.translate(images[2:5])
        self.assertEqual(caught.exception.image_index, 1)

        # An error of the whole request (an unknown model) names no image.
        errors = list(self.translator.translate_stream(iter(images[:3]), model="nope@v9", batch_size=2,
                                                       return_exceptions=True))
        self.assertEqual(len(errors), 3)
        self.assertTrue(all(isinstance(e, NotFoundError) and e.image_index is None for e in errors), errors)

    def test_models(self):
        names = [m.name for m in self.translator.list_models(page_size=1)]
        self.assertEqual(names, ["tiny", "tiny2"])
        version = self.translator.get_model("tiny@v1").versions[0]
        self.assertTrue(version.metrics.complete)
        self.assertGreater(version.create_time.seconds, 0)

    def test_errors_are_exceptions_with_the_servers_message(self):
        with self.assertRaises(NotFoundError) as caught:
            self.translator.translate(random_images(1), model="nope@v9")
        self.assertIn('Model "nope@v9" is not in the registry', str(caught.exception))
        self.assertEqual(caught.exception.resource, ("sim2real.v1.ModelVersion", "nope@v9"))
        with self.assertRaises(InvalidArgumentError) as caught:
            self.translator.translate(random_images(1), model="../etc")
        self.assertIn("is not a valid reference", str(caught.exception))
        with self.assertRaises(InvalidArgumentError) as caught:
            self.translator.start_training("x", "/no/such/folder", "/no/such/folder")
        self.assertEqual([v.field for v in caught.exception.field_violations], ["source_uri"])
        self.assertIn("is not a folder under the server's training root", caught.exception.field_violations[0].description)
        with self.assertRaises(ValueError):
            self.translator.translate([np.zeros((4, 4), dtype=np.uint8)])

    def test_training_job(self):
        job = self.translator.start_training(
            "trained", os.environ["SIM2REAL_TRAIN_SOURCE"], os.environ["SIM2REAL_TRAIN_TARGET"],
            config={"image_size": 16, "steps": 3, "generator_width": 4, "residual_blocks": 1},
            overrides={"attentionWidth": 4, "discriminatorWidth": 4, "discriminatorDownsamplings": 1, "historyPoolSize": 4})
        events = list(self.translator.watch_training(job))
        last = events[-1]
        self.assertEqual(last.state, 3, [e.message for e in events])  # JOB_STATE_SUCCEEDED
        self.assertTrue(last.model_version.startswith("trained@"))
        self.assertTrue(any(e.step == 3 and e.losses for e in events))
        out = self.translator.translate(random_images(1), model=last.model_version)
        self.assertEqual(out[0].shape, (10, 12, 3))
        with self.assertRaises(NotFoundError):
            list(self.translator.watch_training("job-nope"))


@unittest.skipUnless(ADDRESS, "SIM2REAL_TRANSLATOR is not set (test/python.test.ts sets it)")
class AdaptedDatasetTest(unittest.TestCase):
    def test_labels_unchanged_and_images_translated(self):
        import torch
        from torch.utils.data import DataLoader
        from sim2real_client import AdaptedDataset

        images = random_images(10, seed=2)
        labels = [{"id": i, "coefficients": [i * 0.5, -i]} for i in range(10)]
        same_size = np.random.default_rng(3).integers(0, 256, (10, 3, 10, 12), dtype=np.uint8)
        tensors = [torch.from_numpy(i).float() / 255 for i in same_size]
        with Translator(ADDRESS) as translator:
            adapted = list(AdaptedDataset(list(zip(images, labels)), translator, batch_size=3, prefetch=2))
            self.assertEqual([label for _, label in adapted], labels)
            self.assertEqual([o.shape for o, _ in adapted], [i.shape for i in images])
            self.assertFalse(np.array_equal(adapted[0][0], images[0]))

            float_set = AdaptedDataset(list(zip(tensors, range(10))), translator, model="tiny", batch_size=4)
            batches = list(DataLoader(float_set, batch_size=5))
            self.assertEqual([b[1].tolist() for b in batches], [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]])
            self.assertEqual(batches[0][0].dtype, torch.float32)


if __name__ == "__main__":
    unittest.main()
